namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>SentencePiece's convention: spaces become ▁ and a ▁ is prepended (always, at the start only, or
/// never). As in the reference implementation the piece is not split at each ▁.</summary>
internal sealed class MetaspacePreTokenizer(char replacement, string prependScheme) : IPreTokenizer
{
    public void PreTokenize(List<Piece> input, List<Piece> output)
    {
        foreach (var piece in input)
        {
            var text = piece.Text.Replace(' ', replacement);
            var prepend = prependScheme == "always" || (prependScheme == "first" && piece.AtStart);
            if (prepend && text.Length > 0 && text[0] != replacement)
            {
                text = replacement + text;
            }
            output.Add(piece with { Text = text });
        }
    }
}
