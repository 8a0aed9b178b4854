namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// A JSON array of <see cref="MinItems"/> to <see cref="MaxItems"/> items, written compactly. Frame: phase 0 before
/// <c>[</c>; 1 just after it; 2 after an item (<see cref="Frame.A"/> items so far); 3 closed.
/// </summary>
internal sealed class ArrayNode(GrammarNode items, int minItems, int maxItems) : GrammarNode
{
    private const int Open = 0, First = 1, AfterItem = 2, Closed = 3;

    public GrammarNode Items { get; } = items;

    public int MinItems { get; } = minItems;

    public int MaxItems { get; } = maxItems;

    public override void Feed(Frame f, byte b, FrameSink into)
    {
        switch (f.Phase)
        {
            case Open when b == '[':
                into.Add(f with { Phase = First, A = 0 });
                break;
            case First:
                if (b == ']' && MinItems == 0)
                {
                    into.Add(f with { Phase = Closed });
                }
                if (MaxItems > 0)
                {
                    // The byte starts the first item: enter it, then feed the byte to what was entered.
                    var entered = new FrameSink();
                    Items.Enter(f with { Phase = AfterItem, A = 1 }, entered);
                    foreach (var s in entered.Stacks)
                    {
                        into.Step(s!, b);
                    }
                }
                break;
            case AfterItem:
                if (b == ']' && f.A >= MinItems)
                {
                    into.Add(f with { Phase = Closed });
                }
                else if (b == ',' && f.A < MaxItems)
                {
                    Items.Enter(f with { A = f.A + 1 }, into);
                }
                break;
        }
    }

    public override bool CanEnd(Frame f) => f.Phase == Closed;

    /// <summary>After <c>[</c>, after an item (before a comma or <c>]</c>); after a comma the item's own start allows it.</summary>
    public override bool AllowsWhitespace(Frame f) => f.Phase switch
    {
        Open => base.AllowsWhitespace(f),
        First or AfterItem => true,
        _ => false,
    };

    /// <summary>
    /// Bytes still needed after <paramref name="written"/> items: the missing items, a comma before each but the very
    /// first, and <c>]</c>. In closed form, since it is asked for every automaton state (a loop over <c>minItems</c>
    /// made each state cost as much as the array is long).
    /// </summary>
    private int ItemsAfter(long written)
    {
        var missing = Math.Max(0L, MinItems - written);
        if (missing == 0)
        {
            return 1;
        }
        if (Items.MinBytes == int.MaxValue)
        {
            return int.MaxValue;
        }
        var commas = written > 0 ? missing : missing - 1;
        return (int)Math.Min(1 + commas + (missing * Items.MinBytes), int.MaxValue - 1);
    }

    public override int Remaining(Frame f) => f.Phase switch
    {
        Open => MinBytes,
        First => ItemsAfter(0),
        AfterItem => ItemsAfter(f.A),
        _ => 0,
    };

    public override void AppendCompletion(Frame f, List<byte> into)
    {
        long written;
        switch (f.Phase)
        {
            case Open:
                into.Add((byte)'[');
                written = 0;
                break;
            case First:
                written = 0;
                break;
            case AfterItem:
                written = f.A;
                break;
            default:
                return;
        }
        for (var i = written; i < MinItems; i++)
        {
            if (i > 0)
            {
                into.Add((byte)',');
            }
            Items.AppendShortest(into);
        }
        into.Add((byte)']');
    }

    public override bool UpdateMinBytes()
    {
        var min = Add(1, ItemsAfter(0));
        var changed = min != MinBytes;
        MinBytes = min;
        return changed;
    }
}
