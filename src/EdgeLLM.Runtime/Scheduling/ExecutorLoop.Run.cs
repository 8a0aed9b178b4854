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
        try
        {
            _backend.Open();
            _slots = new Slot[_backend.Capacity];
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
            Serve();
        }
        catch (Exception e)
        {
            LogLoopFailed(_core.Logger, ExecutorKinds.ToName(Kind), e);
            for (var i = 0; i < _active; i++)
            {
                Fail(_slots[i], new GenerationException(GenerationErrorCode.Internal, $"the {ExecutorKinds.ToName(Kind)} executor failed: {e.Message}", e));
            }
            _core.Requests.StopAccepting();
            CancelQueued();
        }
        finally
        {
            _backend.Dispose();
            _core.Requests.SignalDrained();
            _stopped.TrySetResult();
        }
    }

    private void Serve()
    {
        while (!_core.Requests.ShutdownRequested)
        {
            _core.Activity.Heartbeat();
            if (_core.Requests.TakeCancelRequest())
            {
                HandleCancellations();
                Compact();
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
            if (_decoding > 0)
            {
                Step();
                Compact();
            }
        }
        for (var i = 0; i < _active; i++)
        {
            Finish(_slots[i], FinishReason.Cancelled);
        }
        Compact();
        CancelQueued();
    }

    /// <summary>
    /// Fills free rows from the queue (highest priority first; a request whose start deadline passed is answered on
    /// the way), then lets the prefill policy put prompt tokens in: every waiting prompt whole while nothing decodes,
    /// a chunk between decode steps while something does.
    /// </summary>
    private void Admit()
    {
        while (_active < _batchLimit && !_admissionPaused && _core.Requests.TryTakeStartable(_core.Outcomes, _core.Time, out var pending))
        {
            var sampler = _backend.VocabSize == 0 ? null : _samplers.Count > 0 ? _samplers.Pop() : new TokenSampler(_backend.VocabSize);
            var slot = new Slot(pending, _active, sampler, Model.Tokenizer.CreateStream(), _backend.MaxLength, constrain: sampler is not null);
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
            _slots[_active] = slot;
            Volatile.Write(ref _active, _active + 1);
            _core.Activity.Admitted(pending.PromptIds.Length);
        }
        // Prompts complete in row order, so a slot that ended while prefilling must have left first.
        Compact();
        if (_decoding < _active)
        {
            Mark();
            _backend.Prefill(_slots.AsSpan(_decoding, _active - _decoding), _prefill.Budget(_decoding, _backend.ChunksPrefill), this);
        }
    }

    /// <summary>One step of the backend over every decoding slot.</summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Step()
    {
        var n = _decoding;
        var started = Mark();
        _emitted = 0;
        _ran = TimeSpan.Zero;
        _backend.Step(_slots.AsSpan(0, n), this);
        if (_emitted > 0)
        {
            _core.Activity.Stepped(n, _emitted, _ran);
        }
        // Whole-step time (runs, sampling, detokenising, emitting) beside the backend's time inside its runtime.
        Interlocked.Add(ref _stepTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _steps);
    }

    /// <summary>
    /// Frees finished slots. A decoding hole takes the last decoding row; the rows still prefilling move down behind
    /// it, so decoding rows stay 0..n-1 and prefilling ones right after them, in order.
    /// </summary>
    private void Compact()
    {
        var i = 0;
        while (i < _active)
        {
            var s = _slots[i];
            if (!s.Finished)
            {
                i++;
                continue;
            }
            Release(s);
            var from = i + 1;
            if (i < _decoding)
            {
                var last = _decoding - 1;
                if (i != last)
                {
                    MoveRow(last, i);
                }
                _decoding--;
                from = last + 1;
            }
            for (var p = from; p < _active; p++)
            {
                MoveRow(p, p - 1);
            }
            _slots[_active - 1] = null!;
            Volatile.Write(ref _active, _active - 1);
        }
    }

    private void MoveRow(int from, int to)
    {
        _backend.Move(from, to);
        _slots[to] = _slots[from];
        _slots[to].Row = to;
        _slots[from] = null!;
    }

    private void Release(Slot slot)
    {
        _backend.Release(slot);
        _slots[slot.Row] = null!;
        ReturnSampler(slot);
    }

    private void ReturnSampler(Slot slot)
    {
        if (slot.Sampler is { } sampler)
        {
            _samplers.Push(sampler);
        }
    }

    private void HandleCancellations()
    {
        for (var i = 0; i < _active; i++)
        {
            if (_slots[i].Pending.Cancelled)
            {
                Finish(_slots[i], FinishReason.Cancelled);
            }
        }
        foreach (var p in _core.Requests.TakeCancelled())
        {
            _core.Outcomes.CompleteWithoutRunning(p, FinishReason.Cancelled);
        }
    }
}
