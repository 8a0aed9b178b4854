using System.Runtime.CompilerServices;
using System.Numerics;
namespace EdgeLLM.Runtime.Sampling;

/// <summary>
/// Chooses the next token from one sequence's logits. One instance per batch slot, reused across requests:
/// its scratch buffers are sized to the vocabulary once, so choosing a token allocates nothing.
/// </summary>
public sealed partial class TokenSampler
{
    private readonly int _vocab;
    private readonly float[] _values;
    private readonly int[] _indices;
    private readonly int[] _seenStamp;
    private int _stamp;
    private SamplingOptions _options = SamplingOptions.Greedy;
    private Xoshiro256 _rng;

    public TokenSampler(int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        _vocab = vocabSize;
        _values = new float[vocabSize];
        _indices = new int[vocabSize];
        _seenStamp = new int[vocabSize];
    }

    /// <summary>Prepares for a new request: its options and, for sampling, its random stream.</summary>
    public void Reset(SamplingOptions options)
    {
        _options = options;
        _rng = new Xoshiro256(options.Seed ?? (ulong)Random.Shared.NextInt64());
    }

    /// <summary>
    /// Picks a token. <paramref name="logits"/> is modified in place (penalties, temperature).
    /// <paramref name="history"/> is every token of the sequence so far (prompt and generated), used by
    /// the repetition penalty.
    /// </summary>
    public int Next(Span<float> logits, ReadOnlySpan<int> history)
    {
        if (logits.Length != _vocab)
        {
            throw new ArgumentException($"expected {_vocab} logits, got {logits.Length}", nameof(logits));
        }
        if (_options.RepetitionPenalty != 1f)
        {
            ApplyRepetitionPenalty(logits, history, _options.RepetitionPenalty);
        }
        return _options.IsGreedy ? ArgMax(logits) : Sample(logits);
    }

    /// <summary>
    /// Index of the largest value; the lowest index wins a tie, as numpy's and torch's argmax do. The maximum is
    /// found with SIMD and then its first position: greedy decoding runs this over the whole vocabulary per token.
    /// </summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var width = Vector<float>.Count;
        var i = 0;
        var max = values[0];
        if (Vector.IsHardwareAccelerated && values.Length >= 2 * width)
        {
            var best = new Vector<float>(values);
            for (i = width; i <= values.Length - width; i += width)
            {
                best = Vector.Max(best, new Vector<float>(values[i..]));
            }
            for (var lane = 0; lane < width; lane++)
            {
                max = Math.Max(max, best[lane]);
            }
        }
        for (; i < values.Length; i++)
        {
            if (values[i] > max)
            {
                max = values[i];
            }
        }
        for (var j = 0; j < values.Length; j++)
        {
            if (values[j] == max)
            {
                return j;
            }
        }
        // Only NaNs compare unequal to the maximum: fall back to the first element, as the scalar scan would.
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyRepetitionPenalty(Span<float> logits, ReadOnlySpan<int> history, float penalty)
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_seenStamp);
            _stamp = 1;
        }
        foreach (var token in history)
        {
            if ((uint)token >= (uint)_vocab || _seenStamp[token] == _stamp)
            {
                continue;
            }
            _seenStamp[token] = _stamp;
            var l = logits[token];
            logits[token] = l < 0 ? l * penalty : l / penalty;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Sample(ReadOnlySpan<float> logits)
    {
        var count = Candidates(logits);
        double total = 0;
        for (var i = 0; i < count; i++)
        {
            total += _values[i];
        }
        var r = _rng.NextDouble() * total;
        for (var i = 0; i < count; i++)
        {
            r -= _values[i];
            if (r < 0)
            {
                return _indices[i];
            }
        }
        return _indices[count - 1];
    }

    /// <summary>
    /// Temperature, top-k, softmax, top-p and min-p: leaves the candidates' probabilities (before renormalising over
    /// the kept ones) in <c>_values</c>, their token ids in <c>_indices</c>, most likely first; returns how many are kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Candidates(ReadOnlySpan<float> logits)
    {
        var o = _options;
        var inverseTemperature = 1f / o.Temperature;
        var count = _vocab;
        for (var i = 0; i < count; i++)
        {
            _values[i] = logits[i] * inverseTemperature;
            _indices[i] = i;
        }
        var k = o.TopK > 0 && o.TopK < count ? o.TopK : count;
        if (k < count)
        {
            SelectLargest(k, count);
        }
        // Descending by value; candidates beyond k are no longer looked at.
        _values.AsSpan(0, k).Sort(_indices.AsSpan(0, k), DescendingComparer.Instance);
        count = k;

        // Softmax over the candidates, in place.
        var max = _values[0];
        double sum = 0;
        for (var i = 0; i < count; i++)
        {
            var e = MathF.Exp(_values[i] - max);
            _values[i] = e;
            sum += e;
        }
        var norm = (float)(1.0 / sum);
        for (var i = 0; i < count; i++)
        {
            _values[i] *= norm;
        }
        if (o.TopP < 1f)
        {
            double cumulative = 0;
            var keep = 0;
            while (keep < count)
            {
                cumulative += _values[keep++];
                if (cumulative >= o.TopP)
                {
                    break;
                }
            }
            count = keep;
        }
        if (o.MinP > 0f)
        {
            var floor = _values[0] * o.MinP;
            var keep = 1;
            while (keep < count && _values[keep] >= floor)
            {
                keep++;
            }
            count = keep;
        }
        return count;
    }

    /// <summary>Moves the k largest values (with their indices) to the front, unordered: quickselect.</summary>
    private void SelectLargest(int k, int count)
    {
        int lo = 0, hi = count - 1;
        while (lo < hi)
        {
            var pivot = _values[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (_values[i] > pivot) i++;
                while (_values[j] < pivot) j--;
                if (i <= j)
                {
                    (_values[i], _values[j]) = (_values[j], _values[i]);
                    (_indices[i], _indices[j]) = (_indices[j], _indices[i]);
                    i++;
                    j--;
                }
            }
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else break;
        }
    }

    private sealed class DescendingComparer : IComparer<float>
    {
        public static readonly DescendingComparer Instance = new();

        public int Compare(float x, float y) => y.CompareTo(x);
    }
}
