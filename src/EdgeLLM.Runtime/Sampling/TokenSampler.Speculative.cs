using System.Runtime.CompilerServices;

namespace EdgeLLM.Runtime.Sampling;

/// <summary>Verification of a drafted token (speculative decoding) with the same processing as <see cref="Next"/>.</summary>
public sealed partial class TokenSampler
{
    /// <summary>
    /// The token to emit at a position where a draft proposed <paramref name="proposed"/>, such that emitted tokens
    /// follow exactly the distribution <see cref="Next"/> samples from. Greedy: the argmax (the proposal is accepted
    /// when it is the argmax). Sampling: EdgeLLM's drafts propose deterministically (the draft model's argmax, or a
    /// prompt-lookup continuation), so the draft distribution q is one-hot and the rejection rule
    /// accept-with-min(1, p/q) becomes accept-with-p(proposed); on rejection the token is drawn from max(0, p − q)
    /// normalised, which is p without the proposed token. The result equals <paramref name="proposed"/> exactly when
    /// the proposal is accepted. Logits are modified in place, as by <see cref="Next"/>.
    /// </summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Verify(Span<float> logits, ReadOnlySpan<int> history, int proposed)
    {
        if (logits.Length != _vocab)
        {
            throw new ArgumentException($"expected {_vocab} logits, got {logits.Length}", nameof(logits));
        }
        if (_options.RepetitionPenalty != 1f)
        {
            ApplyRepetitionPenalty(logits, history, _options.RepetitionPenalty);
        }
        if (_options.IsGreedy)
        {
            return ArgMax(logits);
        }
        var count = Candidates(logits);
        double total = 0, p = 0;
        var at = -1;
        for (var i = 0; i < count; i++)
        {
            total += _values[i];
            if (_indices[i] == proposed)
            {
                p = _values[i];
                at = i;
            }
        }
        if (at >= 0 && _rng.NextDouble() * total < p)
        {
            return proposed;
        }
        var rest = total - p;
        var r = _rng.NextDouble() * rest;
        var last = -1;
        for (var i = 0; i < count; i++)
        {
            if (i == at)
            {
                continue;
            }
            last = i;
            r -= _values[i];
            if (r < 0)
            {
                return _indices[i];
            }
        }
        // Rounding can leave r at a hair above zero: the last candidate other than the proposal.
        return last >= 0 ? _indices[last] : proposed;
    }
}
