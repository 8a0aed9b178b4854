using System.Text.Json;
using EdgeLLM.Tokenizers.Templates;

namespace EdgeLLM.Tokenizers.Tests.Templates;

/// <summary>Real chat templates rendered by EdgeLLM against transformers.js's apply_chat_template (Data/references.json,
/// made by make-template-references.mjs): identical text, and an error exactly where the reference raised one.</summary>
public class TemplateConformanceTests
{
    private static readonly JsonDocument References = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Templates", "Data", "references.json")));
    private static readonly JsonDocument Conversations = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Templates", "Data", "conversations.json")));

    public static TheoryData<string> Families()
    {
        var data = new TheoryData<string>();
        foreach (var t in References.RootElement.GetProperty("templates").EnumerateObject())
        {
            data.Add(t.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Renderings_equal_transformers_js_for_every_conversation(string family)
    {
        var reference = References.RootElement.GetProperty("templates").GetProperty(family);
        var template = ChatTemplate.Parse(reference.GetProperty("template").GetString()!);
        var options = new ChatTemplateOptions
        {
            BosToken = reference.GetProperty("bos_token").GetString(),
            EosToken = reference.GetProperty("eos_token").GetString(),
            Variables = new Dictionary<string, object?> { ["date_string"] = References.RootElement.GetProperty("variables").GetProperty("date_string").GetString() },
            Clock = () => new DateTime(2026, 11, 22),
        };
        var conversations = Conversations.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!,
            c => c.GetProperty("messages").EnumerateArray().Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList());
        foreach (var c in reference.GetProperty("cases").EnumerateArray())
        {
            var name = c.GetProperty("conversation").GetString()!;
            var add = c.GetProperty("add_generation_prompt").GetBoolean();
            if (c.TryGetProperty("error", out var error))
            {
                var e = Assert.Throws<ChatTemplateException>(() => template.Render(conversations[name], add, options));
                Assert.Equal(error.GetString(), e.Reason);
            }
            else
            {
                Assert.True(c.GetProperty("text").GetString() == template.Render(conversations[name], add, options),
                    $"{family} / {name} / add_generation_prompt={add}:\nexpected {JsonSerializer.Serialize(c.GetProperty("text").GetString())}\ngot      {JsonSerializer.Serialize(template.Render(conversations[name], add, options))}");
            }
        }
    }
}
