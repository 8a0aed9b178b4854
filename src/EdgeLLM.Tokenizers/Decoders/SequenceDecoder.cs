namespace EdgeLLM.Tokenizers.Decoders;

internal sealed class SequenceDecoder(IReadOnlyList<IDecoder> steps) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        foreach (var step in steps)
        {
            step.Decode(tokens);
        }
    }
}
