using System.Globalization;
using System.Text;

namespace EdgeLLM.Tokenizers.Decoders;

/// <summary>
/// Turns runs of <c>&lt;0xNN&gt;</c> tokens into the text their bytes spell, reading them as UTF-8 with
/// U+FFFD for invalid sequences (as the reference's TextDecoder does).
/// </summary>
internal sealed class ByteFallbackDecoder : IDecoder
{
    public void Decode(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var run = new List<byte>();
        void Flush()
        {
            if (run.Count == 0)
            {
                return;
            }
            output.Add(Encoding.UTF8.GetString(run.ToArray()));
            run.Clear();
        }
        foreach (var t in tokens)
        {
            if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                && byte.TryParse(t.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                run.Add(b);
            }
            else
            {
                Flush();
                output.Add(t);
            }
        }
        Flush();
        tokens.Clear();
        tokens.AddRange(output);
    }
}
