namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// A JSON string of <see cref="MinLength"/> to <see cref="MaxLength"/> characters (code points, as JSON Schema
/// counts them): raw UTF-8 (validated), the short escapes, no <c>\u</c> escapes (a lone surrogate would parse
/// nowhere). Frame: phase 0 before the quote, 1 inside, 2 after a backslash, 3 inside a multi-byte character
/// (<see cref="Frame.B"/>: continuation bytes left × 8 + which range the next one must be in), 4 closed;
/// <see cref="Frame.A"/> counts characters.
/// </summary>
internal sealed class StringNode : GrammarNode
{
    private const int Open = 0, Inside = 1, Escape = 2, MultiByte = 3, Closed = 4;
    private const byte Filler = (byte)'a';

    public StringNode(int minLength, int maxLength)
    {
        MinLength = minLength;
        MaxLength = maxLength;
        MinBytes = minLength + 2;
    }

    public int MinLength { get; }

    public int MaxLength { get; }

    public override void Feed(Frame f, byte b, FrameSink into)
    {
        switch (f.Phase)
        {
            case Open when b == '"':
                into.Add(f with { Phase = Inside });
                break;
            case Inside:
                FeedInside(f, b, into);
                break;
            case Escape when b is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                into.Add(f with { Phase = Inside, A = f.A + 1 });
                break;
            case MultiByte:
                var left = f.B >> 3;
                var (lo, hi) = ContinuationRange((int)(f.B & 7));
                if (b >= lo && b <= hi)
                {
                    into.Add(left == 1 ? f with { Phase = Inside, A = f.A + 1, B = 0 } : f with { B = (left - 1) << 3 });
                }
                break;
        }
    }

    private void FeedInside(Frame f, byte b, FrameSink into)
    {
        if (b == '"')
        {
            if (f.A >= MinLength)
            {
                into.Add(f with { Phase = Closed });
            }
            return;
        }
        if (f.A >= MaxLength || b < 0x20)
        {
            return;
        }
        if (b == '\\')
        {
            into.Add(f with { Phase = Escape });
        }
        else if (b < 0x80)
        {
            into.Add(f with { A = f.A + 1 });
        }
        else if (LeadByte(b) is { } lead)
        {
            into.Add(f with { Phase = MultiByte, B = (lead.Continuations << 3) | lead.Range });
        }
    }

    /// <summary>Continuation bytes after a lead byte and the range code of the first (RFC 3629: no overlongs, no surrogates).</summary>
    private static (int Continuations, int Range)? LeadByte(byte b) => b switch
    {
        >= 0xC2 and <= 0xDF => (1, 0),
        0xE0 => (2, 1),
        0xED => (2, 2),
        >= 0xE1 and <= 0xEF => (2, 0),
        0xF0 => (3, 3),
        0xF4 => (3, 4),
        >= 0xF1 and <= 0xF3 => (3, 0),
        _ => null,
    };

    private static (byte Lo, byte Hi) ContinuationRange(int code) => code switch
    {
        1 => (0xA0, 0xBF),
        2 => (0x80, 0x9F),
        3 => (0x90, 0xBF),
        4 => (0x80, 0x8F),
        _ => (0x80, 0xBF),
    };

    public override bool CanEnd(Frame f) => f.Phase == Closed;

    public override int Remaining(Frame f) => f.Phase switch
    {
        Open => MinLength + 2,
        Inside => (int)Math.Max(0, MinLength - f.A) + 1,
        Escape => 1 + (int)Math.Max(0, MinLength - f.A - 1) + 1,
        MultiByte => (int)(f.B >> 3) + (int)Math.Max(0, MinLength - f.A - 1) + 1,
        _ => 0,
    };

    public override void AppendCompletion(Frame f, List<byte> into)
    {
        var chars = f.A;
        switch (f.Phase)
        {
            case Open:
                into.Add((byte)'"');
                break;
            case Escape:
                into.Add((byte)'n');
                chars++;
                break;
            case MultiByte:
                into.Add(ContinuationRange((int)(f.B & 7)).Lo);
                for (var i = 1; i < f.B >> 3; i++)
                {
                    into.Add(0x80);
                }
                chars++;
                break;
            case Closed:
                return;
        }
        for (var i = chars; i < MinLength; i++)
        {
            into.Add(Filler);
        }
        into.Add((byte)'"');
    }

    public override bool UpdateMinBytes() => false;
}
