using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Scheduling;

public abstract partial class ExecutorLoop
{
    /// <summary>The loop's thread: opens the backend, then heartbeat → cancellations → admit → prefill → step → free,
    /// until the drain ends; the backend is disposed here, on the thread that made every call into it.</summary>
    private void Run()
    {
        SlotLifecycle lifecycle;
        try
        {
            _backend.Open();
            _slots = new SlotTable(_backend.Capacity);
            _lifecycle = lifecycle = new SlotLifecycle(Model, _core, _backend, _slots);
            _batchLimit = _backend.Capacity;
        }
        catch (Exception e)
        {
            _core.Requests.StopAccepting();
            _backend.Dispose();
            _core.Requests.SignalDrained();
            _stopped.TrySetResult();
            _ready.TrySetException(e);
            return;
        }
        _ready.TrySetResult();
        try
        {
            Serve(lifecycle);
        }
        catch (Exception e)
        {
            LogLoopFailed(_core.Logger, ExecutorKinds.ToName(Kind), e);
            // Refuse new requests before answering the running ones, so a caller that sees its failure sees the executor down.
            _core.Requests.StopAccepting();
            for (var i = 0; i < _slots.Active; i++)
            {
                lifecycle.Fail(_slots[i], new GenerationException(GenerationErrorCode.Internal, $"the {ExecutorKinds.ToName(Kind)} executor failed: {e.Message}", e));
            }
            CancelQueued();
        }
        finally
        {
            _backend.Dispose();
            _core.Requests.SignalDrained();
            _stopped.TrySetResult();
        }
    }

    private void Serve(SlotLifecycle lifecycle)
    {
        while (!_core.Requests.ShutdownRequested)
        {
            _core.Activity.Heartbeat();
            if (_core.Requests.TakeCancelRequest())
            {
                HandleCancellations(lifecycle);
            }
            Admit(lifecycle);
            if (_slots.Active == 0)
            {
                if (!_core.Requests.IsAccepting)
                {
                    _core.Requests.SignalDrained();
                }
                _core.Requests.WaitForWork(IdleTick);
                continue;
            }
            if (_slots.Decoding > 0)
            {
                Step(lifecycle);
                Compact();
            }
        }
        for (var i = 0; i < _slots.Active; i++)
        {
            lifecycle.Finish(_slots[i], FinishReason.Cancelled);
        }
        Compact();
        CancelQueued();
    }

    /// <summary>
    /// Fills free rows from the queue (highest priority first; a request whose start deadline passed is answered on
    /// the way), then lets the prefill policy put prompt tokens in: every waiting prompt whole while nothing decodes,
    /// a chunk between decode steps while something does.
    /// </summary>
    private void Admit(SlotLifecycle lifecycle)
    {
        while (_slots.Active < _batchLimit && !_admissionPaused && _core.Requests.TryTakeStartable(_core.Outcomes, _core.Time, out var pending))
        {
            var sampler = _backend.VocabSize == 0 ? null : _samplers.Count > 0 ? _samplers.Pop() : new TokenSampler(_backend.VocabSize);
            var slot = new Slot(pending, _slots.Active, sampler, Model.Tokenizer.CreateStream(), _backend.MaxLength, constrain: sampler is not null);
            try
            {
                _backend.Admit(slot);
            }
            catch (GenerationException e)
            {
                ReturnSampler(slot);
                _core.Outcomes.Fail(pending, e);
                continue;
            }
            _slots.Add(slot);
            _core.Activity.Admitted(pending.PromptIds.Length);
        }
        if (_slots.PrefillingSlots.Length > 0)
        {
            lifecycle.Mark();
            _backend.Prefill(_slots.PrefillingSlots, _prefill.Budget(_slots.Decoding, _backend.ChunksPrefill), lifecycle);
            Compact();
        }
    }

    /// <summary>One step of the backend over every decoding slot.</summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Step(SlotLifecycle lifecycle)
    {
        var n = _slots.Decoding;
        var started = lifecycle.Mark();
        _backend.Step(_slots.DecodingSlots, lifecycle);
        if (lifecycle.Emitted > 0)
        {
            _core.Activity.Stepped(n, lifecycle.Emitted, lifecycle.RunTime);
        }
        // Whole-step time (runs, sampling, detokenising, emitting) beside the backend's time inside its runtime.
        Interlocked.Add(ref _stepTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _steps);
    }

    private void Compact() => _slots.Compact(_backend, ReturnSampler);

    private void ReturnSampler(Slot slot)
    {
        if (slot.Sampler is { } sampler)
        {
            _samplers.Push(sampler);
        }
    }

    /// <summary>Ends cancelled slots (prefilling ones too, which must leave before later prompts complete) and
    /// cancelled waiting requests.</summary>
    private void HandleCancellations(SlotLifecycle lifecycle)
    {
        for (var i = 0; i < _slots.Active; i++)
        {
            if (_slots[i].Pending.Cancelled)
            {
                lifecycle.Finish(_slots[i], FinishReason.Cancelled);
            }
        }
        Compact();
        foreach (var p in _core.Requests.TakeCancelled())
        {
            _core.Outcomes.CompleteWithoutRunning(p, FinishReason.Cancelled);
        }
    }
}
