namespace EdgeLLM.Tokenizers.Decoders;

internal sealed class FuseDecoder : IDecoder
{
    public void Decode(List<string> tokens)
    {
        var text = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(text);
    }
}
