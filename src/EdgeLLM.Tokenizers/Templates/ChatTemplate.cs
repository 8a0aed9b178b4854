using System.Text;
using EdgeLLM.Tokenizers.Templates.Parsing;
using EdgeLLM.Tokenizers.Templates.Runtime;

namespace EdgeLLM.Tokenizers.Templates;

/// <summary>
/// A chat template (the Jinja in tokenizer_config.json's <c>chat_template</c> or <c>chat_template.jinja</c>),
/// parsed once and rendered for any conversation. Rendering follows Hugging Face's: trim_blocks and
/// lstrip_blocks on, <c>messages</c>, <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c>,
/// <c>raise_exception</c> and <c>strftime_now</c> available. Thread-safe.
/// </summary>
public sealed class ChatTemplate
{
    private readonly IReadOnlyList<Node> _nodes;

    private ChatTemplate(string source, IReadOnlyList<Node> nodes)
    {
        Source = source;
        _nodes = nodes;
    }

    public string Source { get; }

    /// <exception cref="ChatTemplateException">Syntax the interpreter does not support, with its line and column.</exception>
    public static ChatTemplate Parse(string source) => new(source, Parser.Parse(source));

    /// <exception cref="ChatTemplateException">The template raised (<c>raise_exception</c>) or failed, with the line and column.</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, ChatTemplateOptions? options = null)
    {
        options ??= new ChatTemplateOptions();
        var scope = new Scope(null);
        foreach (var (name, value) in options.Variables)
        {
            scope.Set(name, Values.FromHost(value));
        }
        scope.Set("messages", messages.Select(m => (object?)ToDict(m)).ToList());
        scope.Set("add_generation_prompt", addGenerationPrompt);
        scope.Set("bos_token", options.BosToken ?? "");
        scope.Set("eos_token", options.EosToken ?? "");
        var output = new StringBuilder();
        new Interpreter(options.Clock).Render(_nodes, scope, output);
        return output.ToString();
    }

    private static OrderedDictionary<string, object?> ToDict(ChatMessage m)
    {
        var d = new OrderedDictionary<string, object?>(StringComparer.Ordinal) { ["role"] = m.Role, ["content"] = m.Content };
        if (m.Name is not null)
        {
            d["name"] = m.Name;
        }
        return d;
    }
}
