namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// A JSON object with declared properties, written compactly in schema order: every required property, any optional
/// one, nothing else. Frame: phase 0 before <c>{</c>; 1 between properties (<see cref="Frame.A"/> the next property
/// that may come, <see cref="Frame.B"/> 1 once one was written); 2 inside property A's key at offset B; 3 after a
/// comma (a property must follow); 4 closed.
/// </summary>
internal sealed class ObjectNode(IReadOnlyList<ObjectProperty> properties) : GrammarNode
{
    private const int Open = 0, Between = 1, InKey = 2, AfterComma = 3, Closed = 4;

    public IReadOnlyList<ObjectProperty> Properties { get; } = properties;

    public override void Feed(Frame f, byte b, FrameSink into)
    {
        switch (f.Phase)
        {
            case Open when b == '{':
                into.Add(f with { Phase = Between, A = 0, B = 0 });
                break;
            case Between:
                if (b == '}' && !RequiredFrom((int)f.A))
                {
                    into.Add(f with { Phase = Closed });
                }
                else if (b == ',' && f.B == 1 && f.A < Properties.Count)
                {
                    into.Add(f with { Phase = AfterComma });
                }
                else if (b == '"' && f.B == 0)
                {
                    StartKeys(f, into);
                }
                break;
            case AfterComma when b == '"':
                StartKeys(f, into);
                break;
            case InKey:
                var p = Properties[(int)f.A];
                if (p.Key[(int)f.B] != b)
                {
                    break;
                }
                if (f.B + 1 < p.Key.Length)
                {
                    into.Add(f with { B = f.B + 1 });
                }
                else
                {
                    p.Value.Enter(f with { Phase = Between, A = f.A + 1, B = 1 }, into);
                }
                break;
        }
    }

    /// <summary>After an opening quote: every property that may come next (optional ones up to the next required one).</summary>
    private void StartKeys(Frame f, FrameSink into)
    {
        for (var j = (int)f.A; j < Properties.Count; j++)
        {
            into.Add(f with { Phase = InKey, A = j, B = 1 });
            if (Properties[j].Required)
            {
                break;
            }
        }
    }

    private bool RequiredFrom(int index)
    {
        for (var j = index; j < Properties.Count; j++)
        {
            if (Properties[j].Required)
            {
                return true;
            }
        }
        return false;
    }

    public override bool CanEnd(Frame f) => f.Phase == Closed;

    /// <summary>After <c>{</c>, around a comma, before <c>}</c>, and between a key's closing quote and its colon.</summary>
    public override bool AllowsWhitespace(Frame f) => f.Phase switch
    {
        Open => base.AllowsWhitespace(f),
        Between or AfterComma => true,
        InKey => f.B == Properties[(int)f.A].Key.Length - 1,
        _ => false,
    };

    /// <summary>Bytes for the required properties from <paramref name="index"/> on and the closing brace.</summary>
    private int RestFrom(int index, bool written)
    {
        var total = 1;
        for (var j = index; j < Properties.Count; j++)
        {
            var p = Properties[j];
            if (p.Required)
            {
                total = Add(Add(total, (written ? 1 : 0) + p.Key.Length), p.Value.MinBytes);
                written = true;
            }
        }
        return total;
    }

    /// <summary>The property a frame after a comma completes with: the first of the shortest candidates.</summary>
    private (int Index, int Bytes) BestAfterComma(int from)
    {
        var best = (Index: -1, Bytes: int.MaxValue);
        for (var j = from; j < Properties.Count; j++)
        {
            var p = Properties[j];
            var bytes = Add(Add(p.Key.Length, p.Value.MinBytes), RestFrom(j + 1, true));
            if (bytes < best.Bytes)
            {
                best = (j, bytes);
            }
            if (p.Required)
            {
                break;
            }
        }
        return best;
    }

    public override int Remaining(Frame f) => f.Phase switch
    {
        Open => MinBytes,
        Between => RestFrom((int)f.A, f.B == 1),
        AfterComma => BestAfterComma((int)f.A).Bytes,
        InKey => Add(Add(Properties[(int)f.A].Key.Length - (int)f.B, Properties[(int)f.A].Value.MinBytes), RestFrom((int)f.A + 1, true)),
        _ => 0,
    };

    public override void AppendCompletion(Frame f, List<byte> into)
    {
        switch (f.Phase)
        {
            case Open:
                into.Add((byte)'{');
                AppendRest(0, false, into);
                break;
            case Between:
                AppendRest((int)f.A, f.B == 1, into);
                break;
            case AfterComma:
                var best = BestAfterComma((int)f.A).Index;
                AppendProperty(Properties[best], 0, into);
                AppendRest(best + 1, true, into);
                break;
            case InKey:
                AppendProperty(Properties[(int)f.A], (int)f.B, into);
                AppendRest((int)f.A + 1, true, into);
                break;
        }
    }

    private static void AppendProperty(ObjectProperty p, int keyOffset, List<byte> into)
    {
        into.AddRange(p.Key.AsSpan(keyOffset));
        p.Value.AppendShortest(into);
    }

    private void AppendRest(int index, bool written, List<byte> into)
    {
        for (var j = index; j < Properties.Count; j++)
        {
            if (Properties[j].Required)
            {
                if (written)
                {
                    into.Add((byte)',');
                }
                AppendProperty(Properties[j], 0, into);
                written = true;
            }
        }
        into.Add((byte)'}');
    }

    public override bool UpdateMinBytes()
    {
        var min = Add(1, RestFrom(0, false));
        var changed = min != MinBytes;
        MinBytes = min;
        return changed;
    }
}
