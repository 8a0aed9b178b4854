namespace EdgeLLM.Tokenizers.Normalizers;

/// <summary>Puts a marker (SentencePiece's ▁) before non-empty text.</summary>
internal sealed class PrependNormalizer(string prepend) : INormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prepend + text;
}
