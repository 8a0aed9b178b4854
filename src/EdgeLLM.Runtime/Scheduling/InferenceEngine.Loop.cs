using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Scheduling;

public sealed partial class InferenceEngine
{
    private void Run()
    {
        try
        {
            while (!_core.Requests.ShutdownRequested)
            {
                _core.Activity.Heartbeat();
                if (_core.Requests.TakeCancelRequest())
                {
                    HandleCancellations();
                }
                Admit();
                Compact();
                if (_active == 0)
                {
                    if (!_core.Requests.IsAccepting)
                    {
                        _core.Requests.SignalDrained();
                    }
                    _core.Requests.WaitForWork(IdleTick);
                    continue;
                }
                if (_speculator is null || !SpeculativeStep())
                {
                    Step();
                }
                Compact();
            }
            for (var i = 0; i < _active; i++)
            {
                Finish(i, FinishReason.Cancelled);
            }
            Compact();
            CancelQueued();
        }
        catch (Exception e)
        {
            LogEngineFailed(_core.Logger, e);
            for (var i = 0; i < _active; i++)
            {
                _core.Outcomes.Fail(_slots[i]!.Pending, new GenerationException(GenerationErrorCode.Internal, $"the engine failed: {e.Message}", e));
            }
            _core.Requests.StopAccepting();
            CancelQueued();
        }
        finally
        {
            _core.Requests.SignalDrained();
            _stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Fills free slots from the queue: prefill (reusing a cached prefix), then the first token. Requests that arrive
    /// together with prompts of one length and no cached prefix are prefilled in one run (every weight read once for
    /// the group, as a decode step does for its batch).
    /// </summary>
    private void Admit()
    {
        while (_active < _batchLimit && !_admissionPaused)
        {
            var taken = TakeAdmissible(_batchLimit - _active);
            if (taken.Count == 0)
            {
                return;
            }
            var first = 0;
            while (first < taken.Count)
            {
                var group = PrefillGroup(taken, first);
                for (var i = 0; i < group; i++)
                {
                    Activate(taken[first + i].Pending, _active, taken[first + i].Cached);
                }
                first += group;
            }
        }
    }

    /// <summary>Dequeues up to <paramref name="free"/> requests that may still start, answering the rest. The list is
    /// the engine's one reused buffer: Admit runs before every step, and an empty queue must cost no allocation.</summary>
    private List<(PendingRequest Pending, int Cached)> TakeAdmissible(int free)
    {
        var taken = _admitting;
        taken.Clear();
        while (taken.Count < free)
        {
            if (!_core.Requests.TryTakeStartable(_core.Outcomes, _core.Time, out var pending))
            {
                break;
            }
            taken.Add((pending, -1));
        }
        return taken;
    }

    /// <summary>
    /// Prefills <c>taken[first]</c> and the requests after it that can share its run, into the slots from
    /// <c>_active</c> on; returns how many it handled (those that failed are answered and dropped from the list).
    /// </summary>
    private int PrefillGroup(List<(PendingRequest Pending, int Cached)> taken, int first)
    {
        var slot = _active;
        var prompt = taken[first].Pending.PromptIds;
        var cached = _prefixCache.TryReuse(_batch, slot, prompt);
        var group = 1;
        if (cached == 0)
        {
            var limit = Math.Min(_batch.MaxPrefillGroup(prompt.Length), taken.Count - first);
            while (group < limit && taken[first + group].Pending.PromptIds.Length == prompt.Length)
            {
                group++;
            }
        }
        var joules = MeterJoules();
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (group > 1)
            {
                var prompts = new int[group][];
                for (var i = 0; i < group; i++)
                {
                    prompts[i] = taken[first + i].Pending.PromptIds;
                }
                if (!_batch.TryPrefillMany(slot, prompts))
                {
                    group = 1;
                }
            }
            if (group == 1)
            {
                _batch.Prefill(slot, prompt.AsSpan(cached));
            }
            for (var i = 0; i < group; i++)
            {
                _prefixCache.Store(_batch, slot + i, taken[first + i].Pending.PromptIds);
            }
        }
        catch (OnnxRuntimeException e)
        {
            for (var i = 0; i < group; i++)
            {
                _batch.Reset(slot + i);
                _core.Outcomes.Fail(taken[first + i].Pending, new GenerationException(GenerationErrorCode.Internal, $"ONNX Runtime failed on the prompt: {OrtErrors.Message(e)}", e));
            }
            taken.RemoveRange(first, group);
            return 0;
        }
        var share = StepJoules(joules, Stopwatch.GetElapsedTime(started)) / group;
        for (var i = 0; i < group; i++)
        {
            taken[first + i] = (taken[first + i].Pending, i == 0 ? cached : 0);
            _prefillJoules[slot + i] = share;
        }
        return group;
    }

    /// <summary>Makes a prefilled slot an active sequence and takes its first token (masked by the sequence's
    /// constraint, if it has one, whether its prompt was prefilled alone or in a group).</summary>
    private void Activate(PendingRequest pending, int slot, int cached)
    {
        var sampler = _samplers.Count > 0 ? _samplers.Pop() : new TokenSampler(_batch.VocabSize);
        var sequence = new ActiveSequence(pending, sampler, _model.Tokenizer.CreateStream(), _model.MaxSequenceLength) { CachedPromptTokens = cached };
        _slots[slot] = sequence;
        _finished[slot] = false;
        _speculator?.Begin(slot, pending.PromptIds);
        Volatile.Write(ref _active, _active + 1);
        _core.Activity.Admitted(pending.PromptIds.Length);
        sequence.EnergyJ += _prefillJoules[slot];
        Accept(slot, Choose(slot, sequence));
    }

    /// <summary>One batched decode step over every active sequence, then the next token of each.</summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Step()
    {
        var n = _active;
        for (var i = 0; i < n; i++)
        {
            _stepTokens[i] = _slots[i]!.NextToken;
        }
        var joules = MeterJoules();
        var started = Stopwatch.GetTimestamp();
        _batch.Decode(_stepTokens.AsSpan(0, n));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var share = StepJoules(joules, elapsed) / n;
        _core.Activity.Stepped(n, n, elapsed);
        for (var i = 0; i < n; i++)
        {
            var s = _slots[i]!;
            if (s.Pending.Cancelled)
            {
                Finish(i, FinishReason.Cancelled);
                continue;
            }
            s.EnergyJ += share;
            if (s.Pending.Request.EnergyBudgetJ is { } cap && s.EnergyJ >= cap)
            {
                Finish(i, FinishReason.Budget);
                continue;
            }
            Accept(i, Choose(i, s));
        }
        // Whole-step time (run, sampling, detokenising, emitting) beside the batch's time inside ORT's Run.
        Interlocked.Add(ref _decodeStepTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _decodeSteps);
    }

    private double MeterJoules() => _core.Options.EnergyMeter.ReadJoulesOrZero();

    private double StepJoules(double before, TimeSpan busy) => _core.Options.EnergyMeter.ChargeStep(before, busy);

    /// <summary>Takes a sampled token for a slot: end of sequence, text, stop strings, length limits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accept(int slot, int token)
    {
        var s = _slots[slot]!;
        if (_model.EosTokenIds.Contains(token) && (!s.Pending.Request.IgnoreEos || s.Constraint is not null))
        {
            Finish(slot, FinishReason.Stop);
            return;
        }
        s.Generated.Add(token);
        s.History[s.HistoryLength++] = token;
        s.FirstTokenAt ??= _core.Time.GetUtcNow();
        _core.Activity.Generated();
        _emit.Clear();
        var stopped = s.Stops.Append(s.Stream.Next(token), _emit);
        Emit(s, token);
        if (stopped)
        {
            Finish(slot, FinishReason.Stop, flush: false);
        }
        else if (s.Constraint is { } constraint && AnswerClosed(constraint, token))
        {
            Finish(slot, FinishReason.Stop);
        }
        else if (s.Generated.Count >= s.Pending.MaxTokens)
        {
            Finish(slot, FinishReason.Length, contextExhausted: s.Pending.LimitedByContext);
        }
        else if (_batch.Length(slot) >= _batch.MaxLength)
        {
            Finish(slot, FinishReason.Length, contextExhausted: true);
        }
        else
        {
            s.NextToken = token;
        }
    }

    private void Emit(ActiveSequence s, int token) => SequenceOutput.Emit(_emit, s.Text, s.Pending, token);

    private void Finish(int slot, FinishReason reason, bool flush = true, bool contextExhausted = false)
    {
        if (_finished[slot])
        {
            return;
        }
        var s = _slots[slot]!;
        _finished[slot] = true;
        if (flush)
        {
            SequenceOutput.Flush(s.Stream, s.Stops, _emit);
            Emit(s, -1);
        }
        var now = _core.Time.GetUtcNow();
        var received = s.Pending.Request.ReceivedAt;
        var usage = new Usage(s.Pending.PromptIds.Length, s.Generated.Count, s.CachedPromptTokens,
            ((s.FirstTokenAt ?? now) - received).TotalMilliseconds, (now - received).TotalMilliseconds, s.EnergyJ)
        {
            DraftedTokens = s.DraftedTokens,
            AcceptedDraftTokens = s.AcceptedDraftTokens,
        };
        var result = new GenerationResult(s.Pending.Request.Id, _model.Identity.Id, s.Text.ToString(), s.Generated.ToArray(), reason, usage)
        {
            ContextExhausted = contextExhausted,
        };
        s.Pending.Complete(result);
        _core.Outcomes.CountCompleted();
        LogFinished(_core.Logger, result.Id, reason, usage.PromptTokens, usage.CompletionTokens, usage.TotalMs);
    }

    /// <summary>Removes finished sequences, moving the last active slot into each hole so slots stay contiguous.</summary>
    private void Compact()
    {
        var i = 0;
        while (i < _active)
        {
            if (!_finished[i])
            {
                i++;
                continue;
            }
            var s = _slots[i]!;
            _samplers.Push(s.Sampler);
            var last = _active - 1;
            if (i != last)
            {
                _batch.Move(last, i);
                _speculator?.Move(last, i);
                _slots[i] = _slots[last];
                _finished[i] = _finished[last];
            }
            else
            {
                _batch.Reset(i);
                _speculator?.Reset(i);
            }
            _slots[last] = null;
            _finished[last] = false;
            Volatile.Write(ref _active, _active - 1);
        }
    }

    private void HandleCancellations()
    {
        for (var i = 0; i < _active; i++)
        {
            if (_slots[i]!.Pending.Cancelled)
            {
                Finish(i, FinishReason.Cancelled);
            }
        }
        foreach (var p in _core.Requests.TakeCancelled())
        {
            _core.Outcomes.CompleteWithoutRunning(p, FinishReason.Cancelled);
        }
    }
}
