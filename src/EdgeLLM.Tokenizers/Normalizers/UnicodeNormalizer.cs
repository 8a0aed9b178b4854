using System.Text;

namespace EdgeLLM.Tokenizers.Normalizers;

/// <summary>NFC, NFD, NFKC or NFKD.</summary>
internal sealed class UnicodeNormalizer(NormalizationForm form) : INormalizer
{
    public string Normalize(string text)
    {
        try
        {
            return text.IsNormalized(form) ? text : text.Normalize(form);
        }
        catch (ArgumentException)
        {
            return NormalizeAround(text);
        }
    }

    /// <summary>
    /// .NET (ICU) refuses to normalize text holding U+FFFE or an unpaired surrogate, and a prompt may hold either
    /// (issue 18). Neither has a decomposition nor composes with a neighbour, so the text between them normalizes on
    /// its own and they are kept as they are, as Hugging Face's tokenizers keep them.
    /// </summary>
    private string NormalizeAround(string text)
    {
        var result = new StringBuilder(text.Length);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                i++;
                continue;
            }
            if (c is '\uFFFE' or '\uFFFF' || char.IsSurrogate(c))
            {
                result.Append(text.AsSpan(start, i - start).ToString().Normalize(form)).Append(c);
                start = i + 1;
            }
        }
        return result.Append(text.AsSpan(start).ToString().Normalize(form)).ToString();
    }
}
