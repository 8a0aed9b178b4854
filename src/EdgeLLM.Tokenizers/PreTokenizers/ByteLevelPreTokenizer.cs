using System.Text.RegularExpressions;

namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>GPT-2's byte-level step: optional prefix space, optional GPT-2 regex split, then the byte alphabet.</summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    /// <summary>GPT-2's split, with JavaScript's <c>\s</c> as in the reference implementation.</summary>
    internal static readonly Regex Gpt2 = RegexFactory.CreateJavaScriptLiteral(Gpt2Pattern);
    // One scratch list per thread: a Tokenizer is shared by every request, and encodes run on many threads at once.
    [ThreadStatic]
    private static List<Piece>? t_scratch;

    public bool AddPrefixSpace => addPrefixSpace;

    public bool UseRegex => useRegex;

    public void PreTokenize(List<Piece> input, List<Piece> output)
    {
        foreach (var piece in input)
        {
            var p = addPrefixSpace && !piece.Text.StartsWith(' ') ? piece with { Text = " " + piece.Text } : piece;
            if (!useRegex)
            {
                output.Add(p with { Text = ByteLevelAlphabet.Encode(p.Text) });
                continue;
            }
            var scratch = t_scratch ??= [];
            scratch.Clear();
            Splitter.Split(p, Gpt2, SplitBehavior.Isolated, invert: false, scratch);
            foreach (var s in scratch)
            {
                output.Add(s with { Text = ByteLevelAlphabet.Encode(s.Text) });
            }
        }
    }
}
