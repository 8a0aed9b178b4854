namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// A compiled piece of a constraint (a JSON value of some shape, a literal, a choice). Nodes are immutable and
/// shared; the position inside one lives in a <see cref="Frame"/>. Bytes are UTF-8, fed one at a time.
/// </summary>
internal abstract class GrammarNode
{
    /// <summary>Bytes of the shortest instance; <see cref="int.MaxValue"/> until computed (or when there is none).</summary>
    public int MinBytes { get; set; } = int.MaxValue;

    /// <summary>Pushes the frames that start this node on top of <paramref name="parent"/> (a choice pushes one per alternative).</summary>
    public virtual void Enter(Frame? parent, FrameSink into) => into.Add(new Frame(this, 0, 0, 0, parent));

    /// <summary>Takes byte <paramref name="b"/> in frame <paramref name="f"/>, adding every stack it can lead to.</summary>
    public abstract void Feed(Frame f, byte b, FrameSink into);

    /// <summary>True when the value could end at this frame.</summary>
    public abstract bool CanEnd(Frame f);

    /// <summary>True when the frame can take more bytes (only numbers can both end and continue).</summary>
    public virtual bool CanContinue(Frame f) => !CanEnd(f);

    /// <summary>
    /// True when JSON allows insignificant whitespace at this frame (used only under <see cref="JsonWhitespace.Flexible"/>).
    /// By default: before a value that has not started yet, unless it is the whole answer (no whitespace before or
    /// after the answer). Containers add the positions between their own tokens.
    /// </summary>
    public virtual bool AllowsWhitespace(Frame f) => f.Parent is not null && f.Phase == 0 && f.A == 0 && f.B == 0;

    /// <summary>Fewest bytes that finish this frame's own value.</summary>
    public abstract int Remaining(Frame f);

    /// <summary>Appends the canonical shortest bytes that finish this frame's own value: always the same for the same
    /// frame, and after taking its first byte the rest is the canonical completion of the frame that byte leads to.</summary>
    public abstract void AppendCompletion(Frame f, List<byte> into);

    /// <summary>Appends the canonical shortest instance (the completion of a fresh start).</summary>
    public virtual void AppendShortest(List<byte> into) => AppendCompletion(new Frame(this, 0, 0, 0, null), into);

    /// <summary>Recomputes <see cref="MinBytes"/> from the children's; true when it changed (a fixed point handles $ref cycles).</summary>
    public abstract bool UpdateMinBytes();

    /// <summary>
    /// Sums byte counts: <see cref="int.MaxValue"/> (no instance) absorbs, and a finite sum stops just below it, so a
    /// huge but finite schema is told apart from an impossible one (and never wraps around to a negative length).
    /// </summary>
    protected static int Add(int a, int b) => a == int.MaxValue || b == int.MaxValue ? int.MaxValue : (int)Math.Min((long)a + b, int.MaxValue - 1);
}
