namespace EdgeLLM.Tokenizers.Normalizers;

internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> steps) : INormalizer
{
    public string Normalize(string text)
    {
        foreach (var step in steps)
        {
            text = step.Normalize(text);
        }
        return text;
    }
}
