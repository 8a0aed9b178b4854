using EdgeLLM.Runtime.Constraints.Grammar;

namespace EdgeLLM.Runtime.Constraints;

/// <summary>
/// A deterministic automaton over UTF-8 bytes, built lazily from a grammar: each state is a set of parse stacks
/// (several while alternatives are still open), interned to an integer the first time it is reached, and each
/// transition is computed once and then read from a table. Not thread-safe: its owner serialises access.
/// </summary>
internal sealed class ByteAutomaton
{
    /// <summary>The state no byte leads out of: the bytes so far cannot be completed.</summary>
    public const int Dead = -1;
    private const int Unknown = -2;

    private readonly List<Frame?[]> _states = [];
    private readonly Dictionary<StateKey, int> _ids = [];
    private readonly List<int> _remaining = [];
    private readonly List<bool> _accepting = [];
    private readonly FrameSink _sink;
    private int[] _next = [];

    public ByteAutomaton(GrammarNode root, JsonWhitespace whitespace = JsonWhitespace.Compact)
    {
        _sink = new FrameSink { FlexibleWhitespace = whitespace == JsonWhitespace.Flexible };
        root.Enter(null, _sink);
        Start = Intern();
    }

    public int Start { get; }

    public int StateCount => _states.Count;

    /// <summary>The state after <paramref name="b"/>, or <see cref="Dead"/>.</summary>
    public int Next(int state, byte b)
    {
        var index = (state << 8) | b;
        var next = _next[index];
        if (next != Unknown)
        {
            return next;
        }
        _sink.Clear();
        foreach (var stack in _states[state])
        {
            if (stack is not null)
            {
                _sink.Step(stack, b);
            }
        }
        next = _sink.Stacks.Count == 0 ? Dead : Intern();
        _next[index] = next;
        return next;
    }

    /// <summary>The state after every byte of <paramref name="bytes"/>, or <see cref="Dead"/>.</summary>
    public int Walk(int state, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (state == Dead)
            {
                break;
            }
            state = Next(state, b);
        }
        return state;
    }

    /// <summary>True when the text so far is a complete value.</summary>
    public bool IsAccepting(int state) => _accepting[state];

    /// <summary>True when some byte can still follow (false only once a value is closed).</summary>
    public bool HasMoves(int state)
    {
        foreach (var stack in _states[state])
        {
            if (stack is not null)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Fewest bytes that complete the value from <paramref name="state"/>.</summary>
    public int RemainingBytes(int state) => _remaining[state];

    /// <summary>Appends the canonical shortest completion: following it byte by byte, what is left is always the
    /// canonical completion of the state reached, so token counts along it only ever go down by one per token.</summary>
    public void AppendCompletion(int state, List<byte> into)
    {
        Frame? best = null;
        var bestBytes = int.MaxValue;
        foreach (var stack in _states[state])
        {
            var bytes = StackRemaining(stack);
            if (bytes < bestBytes)
            {
                best = stack;
                bestBytes = bytes;
            }
        }
        for (var f = best; f is not null; f = f.Parent)
        {
            f.Node.AppendCompletion(f, into);
        }
    }

    private static int StackRemaining(Frame? stack)
    {
        var total = 0L;
        for (var f = stack; f is not null; f = f.Parent)
        {
            total += f.Node.Remaining(f);
        }
        return (int)Math.Min(total, int.MaxValue);
    }

    private static bool StackCanEnd(Frame? stack)
    {
        for (var f = stack; f is not null; f = f.Parent)
        {
            if (!f.Node.CanEnd(f))
            {
                return false;
            }
        }
        return true;
    }

    private int Intern()
    {
        var stacks = _sink.Stacks.ToArray();
        var key = new StateKey(stacks);
        if (_ids.TryGetValue(key, out var id))
        {
            return id;
        }
        id = _states.Count;
        _states.Add(stacks);
        _ids.Add(key, id);
        var remaining = int.MaxValue;
        var accepting = false;
        foreach (var s in stacks)
        {
            remaining = Math.Min(remaining, StackRemaining(s));
            accepting |= StackCanEnd(s);
        }
        _remaining.Add(remaining);
        _accepting.Add(accepting);
        if (_next.Length < _states.Count << 8)
        {
            var grown = new int[Math.Max(256 * 64, _next.Length * 2)];
            Array.Fill(grown, Unknown);
            _next.CopyTo(grown, 0);
            _next = grown;
        }
        return id;
    }

    /// <summary>Value equality over a state's stacks, in order.</summary>
    private readonly struct StateKey(Frame?[] stacks) : IEquatable<StateKey>
    {
        private readonly Frame?[] _stacks = stacks;

        public bool Equals(StateKey other) => _stacks.AsSpan().SequenceEqual(other._stacks);

        public override bool Equals(object? obj) => obj is StateKey k && Equals(k);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var s in _stacks)
            {
                h.Add(s);
            }
            return h.ToHashCode();
        }
    }
}
