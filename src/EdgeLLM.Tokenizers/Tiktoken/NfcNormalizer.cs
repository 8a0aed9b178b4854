using System.Text;
using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Tokenizers.Tiktoken;

/// <summary>The NFC normalizer Qwen's tokenizer.json names, which Microsoft.ML.Tokenizers does not ship.</summary>
internal sealed class NfcNormalizer : Normalizer
{
    public override string Normalize(string original) => original.Normalize(NormalizationForm.FormC);

    public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(NormalizationForm.FormC);
}
