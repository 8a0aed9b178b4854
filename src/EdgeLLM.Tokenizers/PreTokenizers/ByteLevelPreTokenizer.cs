using System.Text.RegularExpressions;

namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>GPT-2's byte-level step: optional prefix space, optional GPT-2 regex split, then the byte alphabet.</summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    /// <summary>GPT-2's split, with JavaScript's <c>\s</c> as in the reference implementation.</summary>
    internal static readonly Regex Gpt2 = RegexFactory.CreateJavaScriptLiteral(Gpt2Pattern);
    private readonly List<Piece> _scratch = [];

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
            _scratch.Clear();
            Splitter.Split(p, Gpt2, SplitBehavior.Isolated, invert: false, _scratch);
            foreach (var s in _scratch)
            {
                output.Add(s with { Text = ByteLevelAlphabet.Encode(s.Text) });
            }
        }
    }
}
