using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// Chooses a slot's next token from its logits row: masked by its constraint (if any) to what keeps the answer
/// valid and completable in the tokens left, then its sampler. Counts the masking's cost for the stats.
/// </summary>
internal sealed class TokenChooser(IReadOnlySet<int> eosTokenIds)
{
    private readonly int[] _eosIds = [.. eosTokenIds];
    private long _maskTicks;
    private long _maskedTokens;

    public TimeSpan MaskTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maskTicks));

    public long MaskedTokens => Interlocked.Read(ref _maskedTokens);

    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Choose(Slot slot, Span<float> logits, int maxLength)
    {
        if (slot.Constraint is { } constraint)
        {
            var started = Stopwatch.GetTimestamp();
            constraint.Apply(logits, TokensLeft(slot, maxLength), _eosIds);
            Interlocked.Add(ref _maskTicks, Stopwatch.GetTimestamp() - started);
            Interlocked.Increment(ref _maskedTokens);
        }
        return slot.Sampler!.Next(logits, slot.HistorySpan);
    }

    /// <summary>Tokens this sequence may still generate, this one included: the least of max_tokens, the context and,
    /// with an energy cap, what the cap pays for at the joules per token spent so far.</summary>
    internal static int TokensLeft(Slot s, int maxLength)
    {
        var left = Math.Min(s.Pending.MaxTokens - s.Generated.Count, maxLength - s.HistoryLength);
        if (s.Pending.Request.EnergyBudgetJ is { } cap && s.Generated.Count > 0 && s.EnergyJ > 0)
        {
            var perToken = s.EnergyJ / s.Generated.Count;
            left = (int)Math.Min(left, Math.Max(1, Math.Floor((cap - s.EnergyJ) / perToken)));
        }
        return left;
    }
}
