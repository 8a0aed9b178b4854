using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Speculative;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// Speculative decoding inside the batch: each sequence gets up to k drafted tokens (k adapts to its recent
/// acceptance) and the model verifies them in one run over its k + 1 positions. ONNX Runtime's GroupQueryAttention
/// takes several new positions over a cached past only for a batch of one, so a verify run covers one sequence; when
/// some sequences have no draft this step (constrained ones, or nothing to propose), every sequence's next token goes
/// through one batched decode run first, which already decides the first drafted token of the others. The model's own
/// choice at each position decides, so the output is the model's alone (docs/SPECULATIVE.md).
/// </summary>
public sealed partial class InferenceEngine
{
    private Speculator? _speculator;
    private int[] _verifyTokens = [];
    private int[] _verifyBase = [];
    private int[] _draftWant = [];
    private long _draftedTokens;
    private long _acceptedDraftTokens;
    private long _verifySteps;

    private void StartSpeculation()
    {
        if (_core.Options.Speculative is not { Enabled: true } options)
        {
            return;
        }
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException($"speculative decoding: {problem}", nameof(_core.Options));
        }
        var capacity = _batch.Capacity;
        _speculator = new Speculator(options, capacity, _batch.MaxLength, _model.EosTokenIds);
        _verifyTokens = new int[options.MaxDraftTokens + 1];
        _verifyBase = new int[capacity];
        _draftWant = new int[capacity];
        LogSpeculation(_core.Logger, _model.Identity.Id, options.Draft?.Identity.Id ?? "prompt lookup", options.MaxDraftTokens);
    }

    /// <summary>
    /// One draft-and-verify step over every active sequence. False (nothing done) when no sequence has a draft
    /// this step: the plain decode step is then the cheaper run.
    /// </summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SpeculativeStep()
    {
        var speculator = _speculator!;
        var n = _active;
        for (var i = 0; i < n; i++)
        {
            var s = _slots[i]!;
            // Room for the token, k drafts and one position more, so that the length check in Accept never sees a
            // verify run's not yet trimmed length as the end of the context.
            var room = _batch.MaxLength - _batch.Length(i) - 2;
            _draftWant[i] = s.Constraint is not null || s.Pending.Cancelled ? 0
                : Math.Clamp(Math.Min(Math.Min(speculator.Budget(i), room), s.Pending.MaxTokens - s.Generated.Count - 1), 0, speculator.MaxDraftTokens);
            _verifyBase[i] = _batch.Length(i);
        }
        var started = Stopwatch.GetTimestamp();
        var joules = MeterJoules();
        speculator.Propose(n, _draftWant, _slots);
        var drafting = 0;
        for (var i = 0; i < n; i++)
        {
            drafting += speculator.Proposal(i).Length > 0 ? 1 : 0;
        }
        if (drafting == 0)
        {
            return false;
        }
        var mixed = drafting < n;
        if (mixed)
        {
            for (var i = 0; i < n; i++)
            {
                _stepTokens[i] = _slots[i]!.NextToken;
            }
            _batch.Decode(_stepTokens.AsSpan(0, n));
        }
        var emitted = 0;
        for (var i = 0; i < n; i++)
        {
            var s = _slots[i]!;
            if (s.Pending.Cancelled)
            {
                Finish(i, FinishReason.Cancelled);
            }
            else if (speculator.Proposal(i).Length > 0)
            {
                emitted += VerifySlot(i, s, mixed);
            }
            else
            {
                Accept(i, Choose(i, s));
                emitted++;
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        ChargeStep(n, StepJoules(joules, elapsed) / n);
        _core.Activity.Stepped(n, emitted, elapsed);
        Interlocked.Add(ref _decodeStepTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _decodeSteps);
        Interlocked.Increment(ref _verifySteps);
        return true;
    }

    /// <summary>
    /// Verifies a slot's draft: the model's choice at each position while it equals the proposal, then the first that
    /// differs (or the one after the last proposal). After a batched decode (<paramref name="decoded"/>) the slot's
    /// logits already decide the first proposal, and the run over the rest is needed only if it was accepted.
    /// Returns how many tokens it emitted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int VerifySlot(int slot, ActiveSequence s, bool decoded)
    {
        var proposal = _speculator!.Proposal(slot);
        var historyBefore = s.HistoryLength;
        s.DraftedTokens += proposal.Length;
        Interlocked.Add(ref _draftedTokens, proposal.Length);
        // Logits deciding proposal j come from run position j (+ offset); the run holds the step's first token
        // unless the batched decode took it.
        var offset = decoded ? -1 : 0;
        var ran = false;
        if (!decoded)
        {
            RunVerify(slot, s.NextToken, proposal);
            ran = true;
        }
        var accepted = 0;
        var emitted = 0;
        for (var j = 0; j <= proposal.Length; j++)
        {
            if (j + offset >= 0 && !ran)
            {
                _batch.Extend(slot, proposal);
                ran = true;
            }
            var logits = j + offset < 0 ? _batch.Logits(slot) : _batch.ExtendLogits(j + offset);
            var token = j < proposal.Length ? s.Sampler.Verify(logits, s.HistorySpan, proposal[j]) : Choose(slot, s, logits);
            var hit = j < proposal.Length && token == proposal[j];
            if (hit)
            {
                accepted++;
                s.AcceptedDraftTokens++;
            }
            Accept(slot, token);
            emitted++;
            if (!hit || _finished[slot])
            {
                break;
            }
        }
        Interlocked.Add(ref _acceptedDraftTokens, accepted);
        // The KV keeps the step's first token and the accepted proposals; the rejected tail is cut off.
        _batch.Truncate(slot, Math.Min(_batch.Length(slot), _verifyBase[slot] + 1 + accepted));
        _speculator.Verified(slot, historyBefore, proposal.Length, accepted);
        return emitted;
    }

    /// <summary>One run over the step's first token and the proposal.</summary>
    private void RunVerify(int slot, int first, ReadOnlySpan<int> proposal)
    {
        _verifyTokens[0] = first;
        proposal.CopyTo(_verifyTokens.AsSpan(1));
        _batch.Extend(slot, _verifyTokens.AsSpan(0, proposal.Length + 1));
    }

    /// <summary>Each sequence still running pays its share of the step's energy; one over its cap ends here.</summary>
    private void ChargeStep(int n, double share)
    {
        for (var i = 0; i < n; i++)
        {
            var s = _slots[i]!;
            if (_finished[i])
            {
                continue;
            }
            s.EnergyJ += share;
            if (s.Pending.Request.EnergyBudgetJ is { } cap && s.EnergyJ >= cap)
            {
                Finish(i, FinishReason.Budget);
            }
        }
    }
}
