using System.Text;
using EdgeLLM.Tokenizers.Normalizers;
using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Tokenizers.Tiktoken;

/// <summary>
/// The NFC normalizer Qwen's tokenizer.json names, which Microsoft.ML.Tokenizers does not ship. It is EdgeLLM's own
/// <see cref="UnicodeNormalizer"/>, so text .NET refuses to normalize (U+FFFE, lone surrogates) is handled the same on
/// both tokenizer paths.
/// </summary>
internal sealed class NfcNormalizer : Normalizer
{
    private static readonly UnicodeNormalizer Nfc = new(NormalizationForm.FormC);

    public override string Normalize(string original) => Nfc.Normalize(original);

    public override string Normalize(ReadOnlySpan<char> original) => Nfc.Normalize(original.ToString());
}
