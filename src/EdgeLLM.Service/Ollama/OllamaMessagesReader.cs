using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Ollama's chat <c>messages</c>: <c>role</c> (system, user, assistant, tool), <c>content</c> (may be absent, as
/// on an assistant turn that only called tools), <c>tool_calls</c> with object <c>arguments</c>, <c>images</c>
/// (refused: EdgeLLM serves text models), <c>thinking</c> and <c>tool_name</c> (read past: the chat template has no
/// place for them). A tool call the model made earlier goes back into the prompt as the same
/// <c>{"name","arguments"}</c> JSON the model wrote under the tool constraint, so the model reads its own words.
/// </summary>
internal static class OllamaMessagesReader
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "user", "assistant", "tool" };

    /// <exception cref="FieldException">A message is malformed or carries images.</exception>
    public static List<PromptMessage> Read(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw new FieldException("messages", $"must be a list of {{\"role\", \"content\"}} objects, found {Fields.Kind(messages)}");
        }
        if (messages.GetArrayLength() > Fields.MaxMessages)
        {
            throw new FieldException("messages", $"at most {Fields.MaxMessages} messages");
        }
        var list = new List<PromptMessage>(messages.GetArrayLength());
        foreach (var m in messages.EnumerateArray())
        {
            var at = $"messages[{list.Count}]";
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw new FieldException(at, "must be an object with role and content");
            }
            if (!m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String || !Roles.Contains(Fields.Text(role, $"{at}.role")))
            {
                throw new FieldException($"{at}.role", "must be one of system, user, assistant, tool");
            }
            RefuseImages(m, $"{at}.images");
            var content = "";
            if (m.TryGetProperty("content", out var c) && c.ValueKind != JsonValueKind.Null)
            {
                content = c.ValueKind == JsonValueKind.String ? Fields.Text(c, $"{at}.content")
                    : throw new FieldException($"{at}.content", $"must be a string, found {Fields.Kind(c)}");
            }
            if (m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind != JsonValueKind.Null)
            {
                content = WithToolCalls(content, calls, $"{at}.tool_calls");
            }
            list.Add(new PromptMessage(Fields.Text(role, $"{at}.role"), content));
        }
        return list;
    }

    /// <summary>Ollama's <c>images</c> (a message's, or /api/generate's): refused when it holds any.</summary>
    public static void RefuseImages(JsonElement owner, string at)
    {
        if (owner.TryGetProperty("images", out var images) && images.ValueKind != JsonValueKind.Null
            && !(images.ValueKind == JsonValueKind.Array && images.GetArrayLength() == 0))
        {
            throw new FieldException(at, "images are not supported: EdgeLLM serves text-only models; send the request without images");
        }
    }

    private static string WithToolCalls(string content, JsonElement calls, string at)
    {
        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw new FieldException(at, $"must be a list of {{\"function\": {{\"name\", \"arguments\"}}}}");
        }
        var text = new StringBuilder(content);
        var i = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var callAt = $"{at}[{i++}]";
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object
                || !f.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw new FieldException(callAt, $"must be {{\"function\": {{\"name\", \"arguments\"}}}}");
            }
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            text.Append(CallText(Fields.Text(name, $"{callAt}.function.name"), f, $"{callAt}.function.arguments"));
        }
        return text.ToString();
    }

    /// <summary><c>{"name":…,"arguments":{…}}</c>, compact, as a tool-constrained answer reads.</summary>
    private static string CallText(string name, JsonElement function, string at)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WritePropertyName("arguments");
            if (!function.TryGetProperty("arguments", out var arguments) || arguments.ValueKind == JsonValueKind.Null)
            {
                w.WriteStartObject();
                w.WriteEndObject();
            }
            else if (arguments.ValueKind == JsonValueKind.Object)
            {
                arguments.WriteTo(w);
            }
            else
            {
                throw new FieldException(at, $"must be an object, found {Fields.Kind(arguments)}");
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
