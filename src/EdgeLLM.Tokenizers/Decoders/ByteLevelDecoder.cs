using System.Text;
using EdgeLLM.Tokenizers.PreTokenizers;

namespace EdgeLLM.Tokenizers.Decoders;

/// <summary>
/// Maps byte-alphabet characters back to bytes and reads them as UTF-8 (invalid bytes become U+FFFD). Added
/// tokens are not byte-level strings and pass through unchanged, splitting the byte runs around them.
/// </summary>
internal sealed class ByteLevelDecoder(IReadOnlySet<string> addedTokens) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        var output = new List<string>();
        var bytes = new List<byte>();
        void Flush()
        {
            if (bytes.Count > 0)
            {
                output.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
                bytes.Clear();
            }
        }
        foreach (var t in tokens)
        {
            if (addedTokens.Contains(t))
            {
                Flush();
                output.Add(t);
            }
            else
            {
                ByteLevelAlphabet.AppendBytes(t, bytes);
            }
        }
        Flush();
        tokens.Clear();
        tokens.AddRange(output);
    }
}
