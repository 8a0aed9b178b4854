namespace EdgeLLM.Tokenizers.Normalizers;

internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text) => text.ToLowerInvariant();
}
