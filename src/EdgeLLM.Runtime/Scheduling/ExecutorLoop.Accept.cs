using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// Accept, finish, cancel: what happens to a request at each token, for every backend. The backend reports its runs
/// and tokens through <see cref="IStepSink"/>; each decision is taken here and nowhere else.
/// </summary>
public abstract partial class ExecutorLoop : IStepSink
{
    private long _markTicks;
    private double _markJoules;
    private int _emitted;
    private TimeSpan _ran;
    private long _maskTicks;
    private long _maskedTokens;
    private int[]? _eosIds;

    /// <summary>Starts charging from now: the time and meter reading the next run's cost is measured from.</summary>
    private long Mark()
    {
        _markJoules = _core.Options.EnergyMeter.ReadJoulesOrZero();
        _markTicks = Stopwatch.GetTimestamp();
        return _markTicks;
    }

    /// <summary>The time since the mark and each of <paramref name="count"/> slots' share of its energy; marks again.</summary>
    private double Charge(int count, out TimeSpan elapsed)
    {
        elapsed = Stopwatch.GetElapsedTime(_markTicks);
        var share = _core.Options.EnergyMeter.ChargeStep(_markJoules, elapsed) / Math.Max(1, count);
        Mark();
        return share;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IStepSink.Ran(ReadOnlySpan<Slot> slots)
    {
        var share = Charge(slots.Length, out var elapsed);
        _ran += elapsed;
        foreach (var s in slots)
        {
            if (s.Finished)
            {
                continue;
            }
            if (s.Pending.Cancelled)
            {
                Finish(s, FinishReason.Cancelled);
                continue;
            }
            s.EnergyJ += share;
            if (s.Pending.Request.EnergyBudgetJ is { } cap && s.EnergyJ >= cap)
            {
                Finish(s, FinishReason.Budget);
            }
        }
    }

    void IStepSink.Prefilled(ReadOnlySpan<Slot> slots, bool complete)
    {
        var share = Charge(slots.Length, out _);
        foreach (var s in slots)
        {
            s.EnergyJ += share;
            if (complete && s.State == SlotState.Prefilling)
            {
                Debug.Assert(s.Row == _decoding, "prompts complete in row order");
                s.State = SlotState.Decoding;
                _decoding++;
            }
        }
    }

    /// <summary>The next token of a slot: its logits row masked by its constraint (if any), then its sampler.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int IStepSink.Choose(Slot slot, Span<float> logits)
    {
        if (slot.Constraint is { } constraint)
        {
            var started = Stopwatch.GetTimestamp();
            constraint.Apply(logits, TokensLeft(slot), _eosIds ??= [.. Model.EosTokenIds]);
            _maskTicks += Stopwatch.GetTimestamp() - started;
            _maskedTokens++;
        }
        return slot.Sampler!.Next(logits, slot.HistorySpan);
    }

    /// <summary>Tokens this sequence may still generate, this one included: the least of max_tokens, the context and,
    /// with an energy cap, what the cap pays for at the joules per token spent so far.</summary>
    private int TokensLeft(Slot s)
    {
        var left = Math.Min(s.Pending.MaxTokens - s.Generated.Count, _backend.MaxLength - s.HistoryLength);
        if (s.Pending.Request.EnergyBudgetJ is { } cap && s.Generated.Count > 0 && s.EnergyJ > 0)
        {
            var perToken = s.EnergyJ / s.Generated.Count;
            left = (int)Math.Min(left, Math.Max(1, Math.Floor((cap - s.EnergyJ) / perToken)));
        }
        return left;
    }

    /// <summary>Takes a token for a slot: end of sequence, text, stop strings, constraint, length limits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IStepSink.Accept(Slot s, int token)
    {
        if (s.Finished)
        {
            return;
        }
        _emitted++;
        // A constrained answer ends at end-of-sequence even under ignore_eos: the constraint allows it only when the
        // value is complete.
        if (Model.EosTokenIds.Contains(token) && (!s.Pending.Request.IgnoreEos || s.Pending.Constraint is not null))
        {
            Finish(s, FinishReason.Stop);
            return;
        }
        s.Generated.Add(token);
        s.History[s.HistoryLength++] = token;
        s.FirstTokenAt ??= _core.Time.GetUtcNow();
        _core.Activity.Generated();
        _emit.Clear();
        var stopped = s.Stops.Append(s.Stream.Next(token), _emit);
        SequenceOutput.Emit(_emit, s.Text, s.Pending, token);
        if (stopped)
        {
            Finish(s, FinishReason.Stop, flush: false);
        }
        else if (s.Constraint is { } constraint && (!constraint.Advance(token) || constraint.IsClosed))
        {
            Finish(s, FinishReason.Stop);
        }
        else if (s.Generated.Count >= s.Pending.MaxTokens)
        {
            Finish(s, FinishReason.Length, contextExhausted: s.Pending.LimitedByContext);
        }
        else if (s.HistoryLength > _backend.MaxLength)
        {
            // The token that fills the context was taken; no position is left to feed it.
            Finish(s, FinishReason.Length, contextExhausted: true);
        }
        else
        {
            s.NextToken = token;
        }
    }

    void IStepSink.End(Slot slot, FinishReason reason, bool contextExhausted) => Finish(slot, reason, contextExhausted: contextExhausted);

    void IStepSink.Fail(Slot slot, GenerationException error) => Fail(slot, error);

    private void Fail(Slot slot, GenerationException error)
    {
        if (slot.Finished)
        {
            return;
        }
        slot.State = SlotState.Finished;
        _core.Outcomes.Fail(slot.Pending, error);
    }

    /// <summary>Ends a slot's request with its one result: the text still held back, usage, the log line.</summary>
    private void Finish(Slot s, FinishReason reason, bool flush = true, bool contextExhausted = false)
    {
        if (s.Finished)
        {
            return;
        }
        s.State = SlotState.Finished;
        if (flush)
        {
            SequenceOutput.Flush(s.Stream, s.Stops, _emit);
            SequenceOutput.Emit(_emit, s.Text, s.Pending, -1);
        }
        var now = _core.Time.GetUtcNow();
        var received = s.Pending.Request.ReceivedAt;
        var usage = new Usage(s.Pending.PromptIds.Length, s.Generated.Count, s.CachedPromptTokens,
            ((s.FirstTokenAt ?? now) - received).TotalMilliseconds, (now - received).TotalMilliseconds, s.EnergyJ)
        {
            DraftedTokens = s.DraftedTokens,
            AcceptedDraftTokens = s.AcceptedDraftTokens,
        };
        var result = new GenerationResult(s.Pending.Request.Id, Model.Identity.Id, s.Text.ToString(), s.Generated.ToArray(), reason, usage)
        {
            ContextExhausted = contextExhausted,
        };
        s.Pending.Complete(result);
        _core.Outcomes.CountCompleted();
        LogFinished(_core.Logger, result.Id, reason, usage.PromptTokens, usage.CompletionTokens, usage.TotalMs);
    }
}
