using System.Text.RegularExpressions;

namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>
/// Split by a string or regex pattern, as the reference implementation (transformers.js) applies it: an
/// inverted pattern keeps only its matches; Removed drops the matches of a regex (a string pattern's matches
/// are kept); every other behaviour keeps matches and the text between them as separate pieces.
/// </summary>
internal sealed class SplitPreTokenizer(Regex pattern, SplitBehavior effective) : IPreTokenizer
{
    public Regex Pattern => pattern;

    public SplitBehavior Behavior => effective;

    public void PreTokenize(List<Piece> input, List<Piece> output)
    {
        foreach (var piece in input)
        {
            Splitter.Split(piece, pattern, effective, invert: false, output);
        }
    }
}
