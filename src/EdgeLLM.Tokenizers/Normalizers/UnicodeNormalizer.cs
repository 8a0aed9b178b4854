using System.Text;

namespace EdgeLLM.Tokenizers.Normalizers;

/// <summary>NFC, NFD, NFKC or NFKD.</summary>
internal sealed class UnicodeNormalizer(NormalizationForm form) : INormalizer
{
    public string Normalize(string text) => text.IsNormalized(form) ? text : text.Normalize(form);
}
