namespace EdgeLLM.Tokenizers.Templates;

/// <summary>A template that cannot be parsed or rendered; <see cref="Line"/> and <see cref="Column"/> point at the cause.</summary>
public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(string message, int line, int column)
        : base($"chat template line {line}, column {column}: {message}")
    {
        Line = line;
        Column = column;
        Reason = message;
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>The message without the position prefix.</summary>
    public string Reason { get; }
}
