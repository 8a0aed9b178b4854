using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Constraints.Grammar;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Constraints;

/// <summary>
/// An <see cref="OutputConstraint"/> compiled for one tokenizer: a lazily built byte automaton and, per automaton
/// state, the mask of tokens that keep the answer completable, found by walking the vocabulary trie with the
/// automaton and cached. It also knows, per state, the fewest tokens that close the value (the canonical shortest
/// completion, tokenized greedily), so that when a sequence's budget comes down to that only closing tokens stay
/// allowed. Shared by every request with the same constraint; safe to use from several threads.
/// </summary>
public sealed class TokenConstraint
{
    /// <summary>Mask bytes kept per constraint before the cache starts over.</summary>
    public const long MaskCacheBytes = 64L << 20;
    private const int Unreachable = int.MaxValue / 4;

    private readonly Lock _gate = new();
    private readonly ByteAutomaton _automaton;
    private readonly VocabularyTrie _trie;
    private readonly Dictionary<int, MaskEntry> _masks = [];
    private readonly List<int> _tokensToClose = [];
    private readonly List<byte> _completion = [];
    private readonly int[] _walkStates;
    private readonly ulong[] _forced;
    private readonly float[] _eosLogits = new float[16];
    private readonly int _words;
    private long _maskBytes;
    private long _maskTicks;
    private long _masksApplied;

    private TokenConstraint(OutputConstraint source, GrammarNode root, VocabularyTrie trie)
    {
        Source = source;
        _trie = trie;
        // Whitespace is JSON's: a pattern's answer takes exactly what the pattern says.
        _automaton = new ByteAutomaton(root, source.Kind == ConstraintKind.Regex ? JsonWhitespace.Compact : source.Whitespace);
        _words = (trie.VocabSize + 63) / 64;
        _walkStates = new int[trie.MaxDepth + 1];
        _forced = new ulong[_words];
        ShortestAnswerTokens = TokensToClose(_automaton.Start);
        if (ShortestAnswerTokens >= Unreachable)
        {
            throw new ConstraintException("the tokenizer's vocabulary cannot spell the shortest answer this constraint allows");
        }
    }

    public OutputConstraint Source { get; }

    /// <summary>Tokens the shortest valid answer takes: a budget below this cannot hold a complete answer.</summary>
    public int ShortestAnswerTokens { get; }

    /// <summary>Time spent building and applying masks, and how many were applied (for <c>edgellm bench</c>).</summary>
    public TimeSpan MaskTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maskTicks));

    public long MasksApplied => Interlocked.Read(ref _masksApplied);

    /// <summary>Compiles a constraint for a tokenizer's vocabulary; throws <see cref="ConstraintException"/> for one it cannot enforce.</summary>
    public static TokenConstraint Compile(OutputConstraint constraint, Tokenizer tokenizer) => Compile(constraint, VocabularyTrie.For(tokenizer));

    internal static TokenConstraint Compile(OutputConstraint constraint, VocabularyTrie trie)
    {
        var root = constraint.Kind switch
        {
            ConstraintKind.JsonObject => FreeJson.Object(FreeJson.DefaultDepth),
            ConstraintKind.JsonSchema => SchemaCompiler.Compile(constraint.Schema ?? throw new ConstraintException("a json_schema constraint needs a schema", path: "#")),
            ConstraintKind.Regex => RegexRoot(constraint.Pattern ?? throw new ConstraintException("a regex constraint needs a pattern", "pattern")),
            _ => throw new ConstraintException($"constraint kind {constraint.Kind} is not supported"),
        };
        return new TokenConstraint(constraint, root, trie);
    }

    private static RegexNode RegexRoot(string pattern)
    {
        var node = RegexNode.Compile(pattern, quoted: false);
        return node.MinBytes == int.MaxValue ? throw new ConstraintException($"the pattern \"{pattern}\" matches no text", "pattern") : node;
    }

    /// <summary>A cursor at the start of an answer.</summary>
    public ConstraintCursor CreateCursor() => new(this, _automaton.Start);

    internal int Advance(int state, int token)
    {
        if ((uint)token >= (uint)_trie.TokenBytes.Length || _trie.TokenBytes[token] is not { } bytes)
        {
            return ByteAutomaton.Dead;
        }
        lock (_gate)
        {
            return _automaton.Walk(state, bytes);
        }
    }

    internal bool IsAccepting(int state)
    {
        lock (_gate)
        {
            return _automaton.IsAccepting(state);
        }
    }

    internal bool IsClosed(int state)
    {
        lock (_gate)
        {
            return _automaton.IsAccepting(state) && !_automaton.HasMoves(state);
        }
    }

    internal int TokensToClose(int state)
    {
        lock (_gate)
        {
            return TokensToCloseLocked(state);
        }
    }

    private int TokensToCloseLocked(int state)
    {
        {
            while (_tokensToClose.Count <= state)
            {
                _tokensToClose.Add(-1);
            }
            if (_tokensToClose[state] is var known and >= 0)
            {
                return known;
            }
            _completion.Clear();
            _automaton.AppendCompletion(state, _completion);
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_completion);
            var tokens = 0;
            while (span.Length > 0)
            {
                var step = _trie.LongestPrefix(span);
                if (step == 0)
                {
                    tokens = Unreachable;
                    break;
                }
                span = span[step..];
                tokens++;
            }
            _tokensToClose[state] = tokens;
            return tokens;
        }
    }

    /// <summary>
    /// Sets every token the constraint does not allow to negative infinity: tokens that break the value, tokens after
    /// which <paramref name="tokensLeft"/> − 1 tokens could not close it, and end-of-sequence until the value is complete.
    /// </summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Apply(int state, int tokensLeft, Span<float> logits, ReadOnlySpan<int> eosIds)
    {
        var started = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var accepting = _automaton.IsAccepting(state);
            var eos = Math.Min(eosIds.Length, _eosLogits.Length);
            for (var i = 0; i < eos; i++)
            {
                _eosLogits[i] = (uint)eosIds[i] < (uint)logits.Length ? logits[eosIds[i]] : float.NegativeInfinity;
            }
            var entry = Entry(state);
            var bits = tokensLeft >= entry.FreeFrom ? entry.Bits : Forced(state, tokensLeft, accepting);
            var count = Math.Min(logits.Length, _words * 64);
            for (var w = 0; w < _words; w++)
            {
                var word = bits[w];
                if (word == ulong.MaxValue)
                {
                    continue;
                }
                var baseIndex = w << 6;
                var end = Math.Min(64, count - baseIndex);
                if (word == 0)
                {
                    // Most of a narrow mask is empty words: one vectorised fill each.
                    logits.Slice(baseIndex, Math.Max(0, end)).Fill(float.NegativeInfinity);
                    continue;
                }
                for (var j = 0; j < end; j++)
                {
                    if ((word & (1UL << j)) == 0)
                    {
                        logits[baseIndex + j] = float.NegativeInfinity;
                    }
                }
            }
            logits[count..].Fill(float.NegativeInfinity);
            if (accepting)
            {
                for (var i = 0; i < eos; i++)
                {
                    if ((uint)eosIds[i] < (uint)logits.Length)
                    {
                        logits[eosIds[i]] = _eosLogits[i];
                    }
                }
            }
        }
        Interlocked.Add(ref _maskTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _masksApplied);
    }

    private MaskEntry Entry(int state)
    {
        if (_masks.TryGetValue(state, out var entry))
        {
            return entry;
        }
        if (_maskBytes > MaskCacheBytes)
        {
            _masks.Clear();
            _maskBytes = 0;
        }
        var bits = new ulong[_words];
        var (_, _, maxClose) = Walk(state, int.MaxValue, bits);
        entry = new MaskEntry(bits, maxClose == int.MinValue ? 0 : maxClose + 1);
        _masks[state] = entry;
        _maskBytes += bits.Length * sizeof(ulong);
        return entry;
    }

    /// <summary>The mask near the end of the budget: only tokens after which the rest still fits. Should none fit (the
    /// canonical path always does, so only a budget already below the shortest answer), the closest ones are kept.</summary>
    private ulong[] Forced(int state, int tokensLeft, bool accepting)
    {
        Array.Clear(_forced);
        var (allowed, minClose, _) = Walk(state, tokensLeft - 1, _forced);
        if (allowed == 0 && !accepting && minClose != int.MaxValue)
        {
            Walk(state, minClose, _forced);
        }
        return _forced;
    }

    /// <summary>Walks the trie with the automaton from <paramref name="state"/>, setting the bit of every token that
    /// keeps the value completable within <paramref name="closeWithin"/> more tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Allowed, int MinClose, int MaxClose) Walk(int state, int closeWithin, ulong[] bits)
    {
        var trie = _trie;
        var depth = trie.Depth;
        var bytes = trie.Bytes;
        var end = trie.End;
        var tokenCount = trie.TokenCount;
        var tokenStart = trie.TokenStart;
        var ids = trie.TokenIds;
        var states = _walkStates;
        states[0] = state;
        var allowed = 0;
        var minClose = int.MaxValue;
        var maxClose = int.MinValue;
        var i = 0;
        var n = trie.NodeCount;
        while (i < n)
        {
            var d = depth[i];
            var next = _automaton.Next(states[d - 1], bytes[i]);
            if (next == ByteAutomaton.Dead)
            {
                i = end[i];
                continue;
            }
            states[d] = next;
            if (tokenCount[i] > 0)
            {
                var close = TokensToCloseLocked(next);
                if (close < Unreachable)
                {
                    minClose = Math.Min(minClose, close);
                    maxClose = Math.Max(maxClose, close);
                    if (close <= closeWithin)
                    {
                        for (var t = tokenStart[i]; t < tokenStart[i] + tokenCount[i]; t++)
                        {
                            var id = ids[t];
                            bits[id >> 6] |= 1UL << (id & 63);
                            allowed++;
                        }
                    }
                }
            }
            i++;
        }
        return (allowed, minClose, maxClose);
    }

    private sealed record MaskEntry(ulong[] Bits, int FreeFrom);
}
