namespace EdgeLLM.Tokenizers.Decoders;

/// <summary>Turns token strings back into text; steps of a chain pass the (rewritten) token list on.</summary>
internal interface IDecoder
{
    void Decode(List<string> tokens);
}
