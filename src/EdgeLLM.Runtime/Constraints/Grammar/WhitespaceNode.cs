namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// A run of insignificant whitespace under <see cref="JsonWhitespace.Flexible"/>, pushed by <see cref="FrameSink"/>
/// on top of a frame at a position where JSON allows whitespace. It completes with nothing (the shortest completion
/// never contains whitespace, so the fewest-tokens-to-close count is the frame below's) and hands any other byte to
/// the frame below. The run is bounded so that a model cannot spend its budget on it unchecked and the automaton
/// stays finite. Frame: <see cref="Frame.A"/> is the run's length so far.
/// </summary>
internal sealed class WhitespaceNode : GrammarNode
{
    /// <summary>Longest run of whitespace bytes (enough for a line break and indentation several levels deep).</summary>
    public const int MaxRun = 16;

    public static WhitespaceNode Instance { get; } = new() { MinBytes = 0 };

    private WhitespaceNode()
    {
    }

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    /// <summary>Starts a run of one byte above <paramref name="below"/>.</summary>
    public static Frame Start(Frame below) => new(Instance, 0, 1, 0, below);

    public override void Feed(Frame f, byte b, FrameSink into)
    {
        if (IsWhitespace(b) && f.A < MaxRun)
        {
            into.Add(f with { A = f.A + 1 });
        }
    }

    public override bool CanEnd(Frame f) => true;

    /// <summary>Always: a run is never popped on its own, so the frame below cannot start another run at once.</summary>
    public override bool CanContinue(Frame f) => true;

    public override int Remaining(Frame f) => 0;

    public override void AppendCompletion(Frame f, List<byte> into)
    {
    }

    public override bool UpdateMinBytes() => false;
}
