namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// A JSON integer or number within [<see cref="Low"/>, <see cref="High"/>], written with at most
/// <see cref="MaxIntegerDigits"/> integer digits and <see cref="MaxFractionDigits"/> fraction digits and no exponent:
/// the bound keeps a small model from spending its budget on an endless fraction. A byte is taken only when some
/// completion of the new prefix is in range, so every complete number satisfies the bounds.
/// Frame: phase 0 before the first byte, 1 inside; <see cref="Frame.A"/> is the integer part's value,
/// <see cref="Frame.B"/> packs the sign (bit 0), integer digits (bits 1-5), a dot (bit 6), fraction digits
/// (bits 7-10) and the fraction's value (bits 11 and up).
/// </summary>
internal sealed class NumberNode : GrammarNode
{
    public const int DefaultIntegerDigits = 15;
    public const int DefaultFractionDigits = 6;

    public NumberNode(bool integer, decimal? low, decimal? high)
    {
        Integer = integer;
        MaxIntegerDigits = DefaultIntegerDigits;
        MaxFractionDigits = integer ? 0 : DefaultFractionDigits;
        var wide = Pow10(MaxIntegerDigits);
        Low = low ?? -wide;
        High = high ?? wide;
        MinBytes = Remaining(new Frame(this, 0, 0, 0, null));
    }

    public bool Integer { get; }

    public decimal Low { get; }

    public decimal High { get; }

    public int MaxIntegerDigits { get; }

    public int MaxFractionDigits { get; }

    private int MaxChars => 1 + MaxIntegerDigits + 1 + MaxFractionDigits;

    private readonly record struct Prefix(bool Started, bool Negative, long Int, int IntDigits, bool Dot, long Fraction, int FractionDigits);

    private static Prefix Read(Frame f) => new(f.Phase == 1, (f.B & 1) != 0, f.A, (int)((f.B >> 1) & 31), (f.B & 64) != 0, f.B >> 11, (int)((f.B >> 7) & 15));

    private static Frame Write(Frame f, Prefix p) => f with
    {
        Phase = 1,
        A = p.Int,
        B = (p.Negative ? 1L : 0L) | ((long)p.IntDigits << 1) | (p.Dot ? 64L : 0L) | ((long)p.FractionDigits << 7) | (p.Fraction << 11),
    };

    public override void Feed(Frame f, byte b, FrameSink into)
    {
        if (Advance(Read(f), b) is { } next)
        {
            into.Add(Write(f, next));
        }
    }

    private Prefix? Advance(Prefix p, byte b)
    {
        Prefix next;
        if (b == '-')
        {
            if (p.Started)
            {
                return null;
            }
            next = p with { Started = true, Negative = true };
        }
        else if (b == '.')
        {
            if (Integer || p.Dot || p.IntDigits == 0)
            {
                return null;
            }
            next = p with { Dot = true };
        }
        else if (b is >= (byte)'0' and <= (byte)'9')
        {
            var d = b - '0';
            if (p.Dot)
            {
                if (p.FractionDigits >= MaxFractionDigits)
                {
                    return null;
                }
                next = p with { Fraction = p.Fraction * 10 + d, FractionDigits = p.FractionDigits + 1 };
            }
            else
            {
                if (p.IntDigits >= MaxIntegerDigits || (p.IntDigits == 1 && p.Int == 0))
                {
                    return null;
                }
                next = p with { Started = true, Int = p.Int * 10 + d, IntDigits = p.IntDigits + 1 };
            }
        }
        else
        {
            return null;
        }
        for (var l = 0; l <= MaxChars; l++)
        {
            if (CompletesIn(next, l))
            {
                return next;
            }
        }
        return null;
    }

    public override bool CanEnd(Frame f) => CompletesIn(Read(f), 0);

    public override bool CanContinue(Frame f)
    {
        var p = Read(f);
        for (var b = (byte)'-'; b <= '9'; b++)
        {
            if (b != '/' && Advance(p, b) is not null)
            {
                return true;
            }
        }
        return false;
    }

    public override int Remaining(Frame f)
    {
        var p = Read(f);
        for (var l = 0; l <= MaxChars; l++)
        {
            if (CompletesIn(p, l))
            {
                return l;
            }
        }
        return int.MaxValue;
    }

    public override void AppendCompletion(Frame f, List<byte> into)
    {
        var p = Read(f);
        var left = Remaining(f);
        while (left > 0)
        {
            for (var b = (byte)'-'; b <= '9'; b++)
            {
                if (b != '/' && Advance(p, b) is { } next && CompletesIn(next, left - 1))
                {
                    into.Add(b);
                    p = next;
                    break;
                }
            }
            left--;
        }
    }

    public override bool UpdateMinBytes() => false;

    /// <summary>Whether exactly <paramref name="chars"/> more characters can finish the prefix as an in-range number.</summary>
    private bool CompletesIn(Prefix p, int chars)
    {
        if (!p.Started)
        {
            return CompletesIn(p with { Started = true }, chars) || (chars > 0 && CompletesIn(p with { Started = true, Negative = true }, chars - 1));
        }
        if (p.Dot)
        {
            var digits = p.FractionDigits + chars;
            if (digits < 1 || digits > MaxFractionDigits)
            {
                return false;
            }
            var grid = Pow10(-digits);
            var low = p.Int + p.Fraction * Pow10(-p.FractionDigits);
            return InRange(p.Negative, low, low + Pow10(-p.FractionDigits) - grid, grid);
        }
        var maxAdd = p.IntDigits == 1 && p.Int == 0 ? 0 : MaxIntegerDigits - p.IntDigits;
        for (var d = p.IntDigits == 0 ? 1 : 0; d <= Math.Min(chars, maxAdd); d++)
        {
            decimal intLow, intHigh;
            if (p.IntDigits == 0)
            {
                intLow = d == 1 ? 0 : Pow10(d - 1);
                intHigh = Pow10(d) - 1;
            }
            else
            {
                intLow = p.Int * Pow10(d);
                intHigh = intLow + Pow10(d) - 1;
            }
            var rest = chars - d;
            if (rest == 0 && InRange(p.Negative, intLow, intHigh, 1))
            {
                return true;
            }
            if (rest >= 2 && rest - 1 <= MaxFractionDigits)
            {
                var grid = Pow10(-(rest - 1));
                if (InRange(p.Negative, intLow, intHigh + 1 - grid, grid))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Whether a multiple of <paramref name="grid"/> between the magnitudes (negated when negative; negative
    /// values are kept away from -0) lies within the bounds.</summary>
    private bool InRange(bool negative, decimal low, decimal high, decimal grid)
    {
        if (negative)
        {
            (low, high) = (-high, Math.Min(-low, -grid));
        }
        var from = Math.Max(low, Low);
        var to = Math.Min(high, High);
        var first = Math.Ceiling(from / grid) * grid;
        return first <= to;
    }

    private static decimal Pow10(int exponent)
    {
        var r = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            r = exponent > 0 ? r * 10 : r / 10;
        }
        return r;
    }
}
