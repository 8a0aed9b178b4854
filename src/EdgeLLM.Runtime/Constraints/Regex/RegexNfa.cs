namespace EdgeLLM.Runtime.Constraints.Regex;

/// <summary>
/// A byte-level Thompson automaton of a <see cref="RegexAst"/>: states with byte-range edges and empty edges, one
/// accepting state. Non-ASCII sets expand into the UTF-8 byte sequences of every code point (RFC 3629), so the
/// automaton only ever accepts valid UTF-8. Inside a JSON string the bytes JSON must escape (quote, backslash,
/// control characters) are left out, since a pattern constrains the string's raw characters.
/// </summary>
internal sealed class RegexNfa
{
    public const int MaxStates = 20_000;
    private readonly List<List<(byte Lo, byte Hi, int To)>> _edges = [];
    private readonly List<List<int>> _empty = [];
    private readonly bool _jsonString;

    public RegexNfa(RegexAst ast, bool jsonString)
    {
        _jsonString = jsonString;
        Start = NewState();
        Accept = NewState();
        Build(ast, Start, Accept);
        Distance = ComputeDistances();
    }

    public int Start { get; }

    public int Accept { get; }

    public int StateCount => _edges.Count;

    /// <summary>Fewest bytes from each state to acceptance; <see cref="int.MaxValue"/> where it cannot be reached.</summary>
    public int[] Distance { get; }

    public IReadOnlyList<(byte Lo, byte Hi, int To)> Edges(int state) => _edges[state];

    public IReadOnlyList<int> Empty(int state) => _empty[state];

    private int NewState()
    {
        if (_edges.Count >= MaxStates)
        {
            throw new ConstraintException($"the pattern needs more than {MaxStates} automaton states (repeat counts too large)", "pattern");
        }
        _edges.Add([]);
        _empty.Add([]);
        return _edges.Count - 1;
    }

    private void Build(RegexAst ast, int from, int to)
    {
        switch (ast)
        {
            case RegexAst.Literal l:
                var at = from;
                for (var i = 0; i < l.Bytes.Length; i++)
                {
                    var b = l.Bytes[i];
                    if (_jsonString && (b is (byte)'"' or (byte)'\\' || b < 0x20))
                    {
                        return; // a character JSON would have to escape: this branch matches nothing here
                    }
                    var next = i == l.Bytes.Length - 1 ? to : NewState();
                    _edges[at].Add((b, b, next));
                    at = next;
                }
                if (l.Bytes.Length == 0)
                {
                    _empty[from].Add(to);
                }
                break;
            case RegexAst.Set s:
                BuildSet(s, from, to);
                break;
            case RegexAst.Sequence q:
                var current = from;
                for (var i = 0; i < q.Items.Count; i++)
                {
                    var next = i == q.Items.Count - 1 ? to : NewState();
                    Build(q.Items[i], current, next);
                    current = next;
                }
                if (q.Items.Count == 0)
                {
                    _empty[from].Add(to);
                }
                break;
            case RegexAst.Alternatives a:
                foreach (var item in a.Items)
                {
                    Build(item, from, to);
                }
                break;
            case RegexAst.Repeat r:
                var here = from;
                for (var i = 0; i < r.Min; i++)
                {
                    var next = NewState();
                    Build(r.Item, here, next);
                    here = next;
                }
                if (r.Max < 0)
                {
                    var loop = NewState();
                    _empty[here].Add(loop);
                    Build(r.Item, loop, loop);
                    _empty[loop].Add(to);
                }
                else
                {
                    for (var i = r.Min; i < r.Max; i++)
                    {
                        var next = NewState();
                        _empty[here].Add(to);
                        Build(r.Item, here, next);
                        here = next;
                    }
                    _empty[here].Add(to);
                }
                break;
        }
    }

    private void BuildSet(RegexAst.Set s, int from, int to)
    {
        for (var lo = 0; lo < 128; lo++)
        {
            if (!Allowed(s, lo))
            {
                continue;
            }
            var hi = lo;
            while (hi + 1 < 128 && Allowed(s, hi + 1))
            {
                hi++;
            }
            _edges[from].Add(((byte)lo, (byte)hi, to));
            lo = hi;
        }
        if (!s.NonAscii)
        {
            return;
        }
        // UTF-8 sequences of every non-ASCII code point, no overlongs or surrogates.
        var one = NewState();
        var two = NewState();
        var three = NewState();
        _edges[one].Add((0x80, 0xBF, to));
        _edges[two].Add((0x80, 0xBF, one));
        _edges[three].Add((0x80, 0xBF, two));
        _edges[from].Add((0xC2, 0xDF, one));
        Via(from, 0xE0, 0xE0, 0xA0, 0xBF, one);
        _edges[from].Add((0xE1, 0xEC, two));
        Via(from, 0xED, 0xED, 0x80, 0x9F, one);
        _edges[from].Add((0xEE, 0xEF, two));
        Via(from, 0xF0, 0xF0, 0x90, 0xBF, two);
        _edges[from].Add((0xF1, 0xF3, three));
        Via(from, 0xF4, 0xF4, 0x80, 0x8F, two);
    }

    private void Via(int from, byte lo, byte hi, byte nextLo, byte nextHi, int to)
    {
        var middle = NewState();
        _edges[from].Add((lo, hi, middle));
        _edges[middle].Add((nextLo, nextHi, to));
    }

    private bool Allowed(RegexAst.Set s, int b) => s.Ascii[b] && !(_jsonString && (b == '"' || b == '\\' || b < 0x20));

    /// <summary>0-1 breadth-first search backwards from the accepting state.</summary>
    private int[] ComputeDistances()
    {
        var reverse = new List<(int From, int Cost)>[StateCount];
        for (var i = 0; i < StateCount; i++)
        {
            reverse[i] = [];
        }
        for (var s = 0; s < StateCount; s++)
        {
            foreach (var (_, _, t) in _edges[s])
            {
                reverse[t].Add((s, 1));
            }
            foreach (var t in _empty[s])
            {
                reverse[t].Add((s, 0));
            }
        }
        var distance = new int[StateCount];
        Array.Fill(distance, int.MaxValue);
        distance[Accept] = 0;
        var queue = new LinkedList<int>();
        queue.AddFirst(Accept);
        while (queue.First is { } node)
        {
            queue.RemoveFirst();
            var s = node.Value;
            foreach (var (from, cost) in reverse[s])
            {
                if (distance[s] + cost < distance[from])
                {
                    distance[from] = distance[s] + cost;
                    if (cost == 0)
                    {
                        queue.AddFirst(from);
                    }
                    else
                    {
                        queue.AddLast(from);
                    }
                }
            }
        }
        return distance;
    }
}
