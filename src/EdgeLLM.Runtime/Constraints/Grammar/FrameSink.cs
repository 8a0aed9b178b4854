namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// Collects the stacks a byte leads to. A frame whose value is complete and can take no further byte is popped at
/// once, so a state never holds finished frames; an empty stack (null) is a complete value.
/// </summary>
internal sealed class FrameSink
{
    private readonly List<Frame?> _stacks = [];

    public IReadOnlyList<Frame?> Stacks => _stacks;

    /// <summary>Whether insignificant whitespace is taken where JSON allows it (<see cref="JsonWhitespace.Flexible"/>).</summary>
    public bool FlexibleWhitespace { get; init; }

    public void Clear() => _stacks.Clear();

    public void Add(Frame? stack)
    {
        while (stack is not null && stack.Node.CanEnd(stack) && !stack.Node.CanContinue(stack))
        {
            stack = stack.Parent;
        }
        foreach (var s in _stacks)
        {
            if (Equals(s, stack))
            {
                return;
            }
        }
        _stacks.Add(stack);
    }

    /// <summary>Feeds <paramref name="b"/> to a stack: its top frame takes it, or, when that frame's value could end
    /// here, the frame below does.</summary>
    public void Step(Frame stack, byte b)
    {
        if (FlexibleWhitespace && WhitespaceNode.IsWhitespace(b))
        {
            if (stack.Node is WhitespaceNode)
            {
                // A run grows (up to its bound) but is never handed down: the frame below would start a second one.
                stack.Node.Feed(stack, b, this);
                return;
            }
            if (stack.Node.AllowsWhitespace(stack))
            {
                Add(WhitespaceNode.Start(stack));
                return;
            }
        }
        stack.Node.Feed(stack, b, this);
        if (stack.Parent is { } parent && stack.Node.CanEnd(stack))
        {
            Step(parent, b);
        }
    }
}
