namespace EdgeLLM.Tokenizers.Decoders;

/// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing copies of a character from each token.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var from = 0;
            while (from < start && from < t.Length && t[from] == content)
            {
                from++;
            }
            var to = t.Length;
            var removed = 0;
            while (removed < stop && to > from && t[to - 1] == content)
            {
                to--;
                removed++;
            }
            tokens[i] = t[from..to];
        }
    }
}
