namespace EdgeLLM.Tokenizers.Templates.Lexing;

internal readonly record struct Token(TokenKind Kind, string Value, int Line, int Column)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;

    public override string ToString() => Kind is TokenKind.End ? "end of template" : $"'{Value}'";
}
