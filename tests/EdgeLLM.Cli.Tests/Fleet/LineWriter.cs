using System.Text;
using System.Threading.Channels;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>A writer that hands every completed line to a channel, so a test can await a long-running command's output line by line.</summary>
internal sealed class LineWriter : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public ChannelReader<string> Lines => _lines.Reader;

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                _lines.Writer.TryWrite(_line.ToString());
                _line.Clear();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }
}
