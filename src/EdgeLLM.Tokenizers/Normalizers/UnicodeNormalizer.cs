using System.Text;
using EdgeLLM.Tokenizers.Normalizers.Unicode;

namespace EdgeLLM.Tokenizers.Normalizers;

/// <summary>NFC, NFD, NFKC or NFKD, by EdgeLLM's own tables (<see cref="UnicodeNormalization"/>: the app runs without
/// ICU). Text holding U+FFFE or a lone surrogate, which ICU refuses (issue 18), normalizes around them, as Hugging Face's
/// tokenizers do.</summary>
internal sealed class UnicodeNormalizer(NormalizationForm form) : INormalizer
{
    public string Normalize(string text) => UnicodeNormalization.Normalize(text, form);
}
