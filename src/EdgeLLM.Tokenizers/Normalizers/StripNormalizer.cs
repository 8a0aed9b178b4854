namespace EdgeLLM.Tokenizers.Normalizers;

/// <summary>Removes whitespace from the left and/or right end.</summary>
internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    public string Normalize(string text) => left && right ? text.Trim() : left ? text.TrimStart() : right ? text.TrimEnd() : text;
}
