namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// One of several alternatives (<c>anyOf</c>, <c>oneOf</c>, <c>enum</c>, a list of types): entering pushes every
/// alternative and the bytes that follow decide. Has no frames of its own.
/// </summary>
internal sealed class ChoiceNode(IReadOnlyList<GrammarNode> alternatives) : GrammarNode
{
    public IReadOnlyList<GrammarNode> Alternatives { get; } = alternatives;

    public override void Enter(Frame? parent, FrameSink into)
    {
        foreach (var a in Alternatives)
        {
            a.Enter(parent, into);
        }
    }

    public override void Feed(Frame f, byte b, FrameSink into) => throw new InvalidOperationException("a choice has no frames");

    public override bool CanEnd(Frame f) => false;

    public override int Remaining(Frame f) => MinBytes;

    public override void AppendCompletion(Frame f, List<byte> into) => AppendShortest(into);

    /// <summary>The first of the shortest alternatives: the one a set of just-entered frames completes with.</summary>
    public override void AppendShortest(List<byte> into)
    {
        foreach (var a in Alternatives)
        {
            if (a.MinBytes == MinBytes)
            {
                a.AppendShortest(into);
                return;
            }
        }
    }

    public override bool UpdateMinBytes()
    {
        var min = int.MaxValue;
        foreach (var a in Alternatives)
        {
            min = Math.Min(min, a.MinBytes);
        }
        var changed = min != MinBytes;
        MinBytes = min;
        return changed;
    }
}
