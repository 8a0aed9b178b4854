namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// A JSON object with any keys (<c>json_object</c>, or an object schema that declares no properties), written
/// compactly. Frame: phase 0 before <c>{</c>; 1 just after it; 2 after a key (a colon follows); 3 after a value;
/// 4 after a comma; 5 closed.
/// </summary>
internal sealed class FreeObjectNode : GrammarNode
{
    private const int Open = 0, First = 1, AfterKey = 2, AfterValue = 3, AfterComma = 4, Closed = 5;
    private static readonly StringNode Key = new(0, int.MaxValue);

    public FreeObjectNode(GrammarNode values)
    {
        Values = values;
        MinBytes = 2;
    }

    public GrammarNode Values { get; }

    public override void Feed(Frame f, byte b, FrameSink into)
    {
        switch (f.Phase)
        {
            case Open when b == '{':
                into.Add(f with { Phase = First });
                break;
            case First when b == '}':
            case AfterValue when b == '}':
                into.Add(f with { Phase = Closed });
                break;
            case First when b == '"':
            case AfterComma when b == '"':
                into.Step(new Frame(Key, 0, 0, 0, f with { Phase = AfterKey }), b);
                break;
            case AfterKey when b == ':':
                Values.Enter(f with { Phase = AfterValue }, into);
                break;
            case AfterValue when b == ',':
                into.Add(f with { Phase = AfterComma });
                break;
        }
    }

    public override bool CanEnd(Frame f) => f.Phase == Closed;

    /// <summary>After <c>{</c>, around a key's colon, around a comma, before <c>}</c>.</summary>
    public override bool AllowsWhitespace(Frame f) => f.Phase switch
    {
        Open => base.AllowsWhitespace(f),
        First or AfterKey or AfterValue or AfterComma => true,
        _ => false,
    };

    public override int Remaining(Frame f) => f.Phase switch
    {
        Open => 2,
        First or AfterValue => 1,
        AfterKey => Add(Values.MinBytes, 2),
        AfterComma => Add(Values.MinBytes, 4),
        _ => 0,
    };

    public override void AppendCompletion(Frame f, List<byte> into)
    {
        switch (f.Phase)
        {
            case Open:
                into.Add((byte)'{');
                into.Add((byte)'}');
                break;
            case First or AfterValue:
                into.Add((byte)'}');
                break;
            case AfterKey:
                into.Add((byte)':');
                Values.AppendShortest(into);
                into.Add((byte)'}');
                break;
            case AfterComma:
                into.AddRange("\"\":"u8);
                Values.AppendShortest(into);
                into.Add((byte)'}');
                break;
        }
    }

    public override bool UpdateMinBytes()
    {
        var changed = MinBytes != 2;
        MinBytes = 2;
        return changed;
    }
}
