namespace EdgeLLM.Runtime.Constraints.Regex;

/// <summary>
/// Runs a <see cref="RegexNfa"/> as sets of states, each set interned to an integer (the subset construction, done
/// lazily): what a grammar frame stores. Access is serialised by the owning constraint.
/// </summary>
internal sealed class RegexMatcher
{
    public const int Dead = -1;
    private readonly RegexNfa _nfa;
    private readonly List<int[]> _sets = [];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, byte), int> _next = [];

    public RegexMatcher(RegexNfa nfa)
    {
        _nfa = nfa;
        Start = Intern(Closure([nfa.Start]));
    }

    public int Start { get; }

    public int Step(int set, byte b)
    {
        if (_next.TryGetValue((set, b), out var known))
        {
            return known;
        }
        var moved = new List<int>();
        foreach (var s in _sets[set])
        {
            foreach (var (lo, hi, to) in _nfa.Edges(s))
            {
                if (b >= lo && b <= hi)
                {
                    moved.Add(to);
                }
            }
        }
        var next = moved.Count == 0 ? Dead : Intern(Closure(moved));
        if (next != Dead && Remaining(next) == int.MaxValue)
        {
            next = Dead;
        }
        _next[(set, b)] = next;
        return next;
    }

    public bool IsAccepting(int set) => Array.IndexOf(_sets[set], _nfa.Accept) >= 0;

    public bool HasMoves(int set)
    {
        foreach (var s in _sets[set])
        {
            foreach (var (_, _, to) in _nfa.Edges(s))
            {
                if (_nfa.Distance[to] != int.MaxValue)
                {
                    return true;
                }
            }
        }
        return false;
    }

    public int Remaining(int set)
    {
        var best = int.MaxValue;
        foreach (var s in _sets[set])
        {
            best = Math.Min(best, _nfa.Distance[s]);
        }
        return best;
    }

    /// <summary>The canonical shortest completion: at each step the smallest byte that brings acceptance one byte closer.</summary>
    public void AppendCompletion(int set, List<byte> into)
    {
        var left = Remaining(set);
        while (left > 0 && left != int.MaxValue)
        {
            var best = -1;
            foreach (var s in _sets[set])
            {
                foreach (var (lo, _, to) in _nfa.Edges(s))
                {
                    if (_nfa.Distance[to] == left - 1 && (best < 0 || lo < best))
                    {
                        best = lo;
                    }
                }
            }
            into.Add((byte)best);
            set = Step(set, (byte)best);
            left--;
        }
    }

    private int[] Closure(List<int> states)
    {
        var seen = new HashSet<int>(states);
        var stack = new Stack<int>(states);
        while (stack.Count > 0)
        {
            foreach (var t in _nfa.Empty(stack.Pop()))
            {
                if (seen.Add(t))
                {
                    stack.Push(t);
                }
            }
        }
        var set = seen.ToArray();
        Array.Sort(set);
        return set;
    }

    private int Intern(int[] set)
    {
        var key = string.Join(',', set);
        if (!_ids.TryGetValue(key, out var id))
        {
            id = _sets.Count;
            _sets.Add(set);
            _ids[key] = id;
        }
        return id;
    }
}
