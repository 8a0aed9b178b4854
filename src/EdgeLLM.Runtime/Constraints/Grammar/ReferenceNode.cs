namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>A local <c>$ref</c>: its target is set once every definition is compiled, so references may be recursive.</summary>
internal sealed class ReferenceNode(string pointer) : GrammarNode
{
    public string Pointer { get; } = pointer;

    public GrammarNode? Target { get; set; }

    private GrammarNode Resolved => Target ?? throw new InvalidOperationException($"$ref {Pointer} was not resolved");

    public override void Enter(Frame? parent, FrameSink into) => Resolved.Enter(parent, into);

    public override void Feed(Frame f, byte b, FrameSink into) => throw new InvalidOperationException("a reference has no frames");

    public override bool CanEnd(Frame f) => false;

    public override int Remaining(Frame f) => MinBytes;

    public override void AppendCompletion(Frame f, List<byte> into) => Resolved.AppendShortest(into);

    public override void AppendShortest(List<byte> into) => Resolved.AppendShortest(into);

    public override bool UpdateMinBytes()
    {
        var changed = Resolved.MinBytes != MinBytes;
        MinBytes = Resolved.MinBytes;
        return changed;
    }
}
