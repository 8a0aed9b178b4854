namespace EdgeLLM.Tokenizers.Decoders;

/// <summary>▁ back to spaces; the first token's leading space is dropped (as the reference does, whatever the scheme).</summary>
internal sealed class MetaspaceDecoder(char replacement) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i].Replace(replacement, ' ');
            if (i == 0 && t.StartsWith(' '))
            {
                t = t[1..];
            }
            tokens[i] = t;
        }
    }
}
