namespace EdgeLLM.Runtime.Constraints.Regex;

/// <summary>A parsed regular expression: literals (UTF-8 bytes), character sets, sequences, alternatives, repeats.</summary>
internal abstract record RegexAst
{
    public sealed record Literal(byte[] Bytes) : RegexAst;

    /// <summary>ASCII bytes in <see cref="Ascii"/>, and every non-ASCII character when <see cref="NonAscii"/> is set.</summary>
    public sealed record Set(bool[] Ascii, bool NonAscii) : RegexAst;

    public sealed record Sequence(IReadOnlyList<RegexAst> Items) : RegexAst;

    public sealed record Alternatives(IReadOnlyList<RegexAst> Items) : RegexAst;

    /// <summary><see cref="Max"/> −1 means unbounded.</summary>
    public sealed record Repeat(RegexAst Item, int Min, int Max) : RegexAst;
}
