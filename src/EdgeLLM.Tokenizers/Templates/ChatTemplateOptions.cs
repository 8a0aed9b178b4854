namespace EdgeLLM.Tokenizers.Templates;

/// <summary>What a chat template can see besides the messages.</summary>
public sealed class ChatTemplateOptions
{
    public string? BosToken { get; init; }

    public string? EosToken { get; init; }

    /// <summary>More variables (<c>tools</c>, <c>date_string</c>, <c>enable_thinking</c>, ...): strings, numbers,
    /// booleans, lists and string-keyed dictionaries of those.</summary>
    public IReadOnlyDictionary<string, object?> Variables { get; init; } = new Dictionary<string, object?>();

    /// <summary>The clock behind <c>strftime_now</c>; injectable so renderings are reproducible.</summary>
    public Func<DateTime> Clock { get; init; } = () => DateTime.Now;
}
