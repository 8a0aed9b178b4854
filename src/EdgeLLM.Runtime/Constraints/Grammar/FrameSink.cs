namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// Collects the stacks a byte leads to. A frame whose value is complete and can take no further byte is popped at
/// once, so a state never holds finished frames; an empty stack (null) is a complete value.
/// </summary>
internal sealed class FrameSink
{
    private readonly List<Frame?> _stacks = [];

    public IReadOnlyList<Frame?> Stacks => _stacks;

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
        stack.Node.Feed(stack, b, this);
        if (stack.Parent is { } parent && stack.Node.CanEnd(stack))
        {
            Step(parent, b);
        }
    }
}
