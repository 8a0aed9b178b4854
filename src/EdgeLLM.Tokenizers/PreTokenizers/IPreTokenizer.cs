namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>Splits pieces into smaller ones (words), and may rewrite them (byte-level alphabet, ▁ for spaces).</summary>
internal interface IPreTokenizer
{
    void PreTokenize(List<Piece> input, List<Piece> output);
}
