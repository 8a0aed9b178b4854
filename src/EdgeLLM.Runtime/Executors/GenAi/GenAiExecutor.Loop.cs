using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Executors.GenAi.Native;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Executors.GenAi;

public sealed partial class GenAiExecutor
{
    // OgaEngineEventFlags and OgaFinishReason values from ort_genai_c.h.
    private const uint FlagToken = 1, FlagTurnFinished = 2, FlagFailed = 8;
    private const uint FinishEos = 1, FinishStopString = 2, FinishMaxGenerated = 3, FinishMaxSession = 4, FinishCancelled = 5;

    /// <summary>The owner thread: creates the engine, admits, runs, and destroys the engine, all on this one thread.</summary>
    private void Run()
    {
        OgaEngineHandle? engine = null;
        OgaEventBufferHandle? buffer = null;
        try
        {
            try
            {
                OgaResult.Check(OgaNative.OgaCreateEngine(_ogaModel!, out var e), "OgaCreateEngine");
                engine = new OgaEngineHandle(e);
                // The engine retains the model; our handle is not needed any more.
                _ogaModel!.Dispose();
                _ogaModel = null;
                OgaResult.Check(OgaNative.OgaCreateEngineEventBuffer(engine, EventCapacity, out var b), "OgaCreateEngineEventBuffer");
                buffer = new OgaEventBufferHandle(b);
                _ready.TrySetResult(ReadCapabilities(engine));
            }
            catch (Exception e)
            {
                _ready.TrySetException(e);
                return;
            }
            while (!_core.Requests.ShutdownRequested)
            {
                _core.Activity.Heartbeat();
                if (_core.Requests.TakeCancelRequest())
                {
                    HandleCancellations();
                }
                Admit(engine);
                if (_active.Count == 0)
                {
                    if (!_core.Requests.IsAccepting)
                    {
                        _core.Requests.SignalDrained();
                    }
                    _core.Requests.WaitForWork(IdleTick);
                    continue;
                }
                Step(engine, buffer);
                RemoveFinished();
            }
            foreach (var s in _active)
            {
                Finish(s, FinishReason.Cancelled);
            }
            RemoveFinished();
            CancelQueued();
        }
        catch (Exception e)
        {
            LogEngineFailed(_core.Logger, e);
            foreach (var s in _active)
            {
                if (!s.Finished)
                {
                    s.Finished = true;
                    _core.Outcomes.Fail(s.Pending, new GenerationException(GenerationErrorCode.Internal, $"the GenAI engine failed: {e.Message}", e));
                }
            }
            RemoveFinished();
            _core.Requests.StopAccepting();
            CancelQueued();
        }
        finally
        {
            buffer?.Dispose();
            engine?.Dispose();
            _core.Requests.SignalDrained();
            _stopped.TrySetResult();
        }
    }

    private (int Capacity, BatchingMode Batching) ReadCapabilities(OgaEngineHandle engine)
    {
        OgaResult.Check(OgaNative.OgaEngineGetCapabilities(engine, out var capabilities), "OgaEngineGetCapabilities");
        try
        {
            var capacity = (int)Math.Clamp((long)OgaNative.OgaEngineCapabilitiesGetConfiguredMaxBatchSize(capabilities), 1, Math.Max(1, _core.Options.MaxBatchSize));
            // A dynamic (paged, continuous) scheduler has a token budget; the static one reports zero.
            var batching = OgaNative.OgaEngineCapabilitiesGetMaxScheduledTokens(capabilities) == 0 ? BatchingMode.Static : BatchingMode.Continuous;
            return (capacity, batching);
        }
        finally
        {
            OgaNative.OgaDestroyEngineCapabilities(capabilities);
        }
    }

    /// <summary>Hands waiting requests to GenAI while there is room, highest priority first; deadlines are checked here.</summary>
    private void Admit(OgaEngineHandle engine)
    {
        while (_active.Count < _batchLimit && !_admissionPaused)
        {
            PendingRequest? pending;
            if (!_core.Requests.TryTakeStartable(_core.Outcomes, _core.Time, out pending))
            {
                return;
            }
            GenAiSequence sequence;
            try
            {
                sequence = GenAiTurns.Begin(engine, pending, _model.Tokenizer.CreateStream());
            }
            catch (GenAiException e)
            {
                _core.Outcomes.Fail(pending, new GenerationException(GenerationErrorCode.BadRequest, $"ONNX Runtime GenAI refused the request: {e.NativeMessage}", e));
                continue;
            }
            catch (GenerationException e)
            {
                _core.Outcomes.Fail(pending, e);
                continue;
            }
            _active.Add(sequence);
            _byRequest[sequence.Request.DangerousGetHandle()] = sequence;
            Volatile.Write(ref _activeCount, _active.Count);
            _core.Activity.Admitted(pending.PromptIds.Length);
        }
    }

    /// <summary>One <c>OgaEngineRun</c> (a prefill or a batched decode step), then its events.</summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Step(OgaEngineHandle engine, OgaEventBufferHandle buffer)
    {
        var n = _active.Count;
        var joules = MeterJoules();
        var started = Stopwatch.GetTimestamp();
        OgaResult.Check(OgaNative.OgaEngineRun(engine, buffer), "OgaEngineRun");
        var ran = Stopwatch.GetTimestamp();
        var elapsed = Stopwatch.GetElapsedTime(started, ran);
        var share = StepJoules(joules, elapsed) / n;
        for (var i = 0; i < n; i++)
        {
            _active[i].EnergyJ += share;
        }
        var tokens = 0;
        var count = (int)OgaNative.OgaEngineEventBufferGetCount(buffer);
        for (var i = 0; i < count; i++)
        {
            var e = OgaNative.OgaEngineEventBufferGet(buffer, (nuint)i);
            OgaResult.Check(OgaNative.OgaEngineEventGetFlags(e, out var flags), "OgaEngineEventGetFlags");
            OgaResult.Check(OgaNative.OgaEngineEventGetRequest(e, out var request), "OgaEngineEventGetRequest");
            if (!_byRequest.TryGetValue(request, out var s) || s.Finished)
            {
                continue;
            }
            if ((flags & FlagToken) != 0)
            {
                OgaResult.Check(OgaNative.OgaEngineEventGetToken(e, out var token), "OgaEngineEventGetToken");
                tokens++;
                Accept(s, token);
            }
            if (s.Finished)
            {
                continue;
            }
            if ((flags & FlagFailed) != 0)
            {
                OgaResult.Check(OgaNative.OgaEngineEventGetErrorCode(e, out var code), "OgaEngineEventGetErrorCode");
                s.Finished = true;
                _core.Outcomes.Fail(s.Pending, new GenerationException(GenerationErrorCode.Internal, $"ONNX Runtime GenAI failed the request (error code {code})"));
            }
            else if ((flags & FlagTurnFinished) != 0)
            {
                OgaResult.Check(OgaNative.OgaEngineEventGetFinishReason(e, out var reason), "OgaEngineEventGetFinishReason");
                FinishTurn(s, reason);
            }
        }
        var kv = 0L;
        for (var i = 0; i < n; i++)
        {
            var s = _active[i];
            kv += _model.KvLayout.BytesPerSequence(s.Pending.PromptIds.Length + s.Generated.Count);
            if (s.Finished)
            {
                continue;
            }
            if (s.Pending.Cancelled)
            {
                Finish(s, FinishReason.Cancelled);
            }
            else if (s.Pending.Request.EnergyBudgetJ is { } cap && s.EnergyJ >= cap)
            {
                Finish(s, FinishReason.Budget);
            }
        }
        Interlocked.Exchange(ref _kvBytesInUse, kv);
        if (tokens > 0)
        {
            _core.Activity.Stepped(n, tokens, elapsed);
        }
        Interlocked.Add(ref _runTicks, ran - started);
        Interlocked.Add(ref _stepTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _steps);
    }

    private void FinishTurn(GenAiSequence s, uint reason)
    {
        switch (reason)
        {
            case FinishEos or FinishStopString:
                Finish(s, FinishReason.Stop);
                break;
            case FinishMaxGenerated:
                Finish(s, FinishReason.Length, contextExhausted: s.Pending.LimitedByContext);
                break;
            case FinishMaxSession:
                Finish(s, FinishReason.Length, contextExhausted: true);
                break;
            case FinishCancelled:
                Finish(s, FinishReason.Cancelled);
                break;
            default:
                s.Finished = true;
                _core.Outcomes.Fail(s.Pending, new GenerationException(GenerationErrorCode.Internal, $"ONNX Runtime GenAI ended the request with finish reason {reason}"));
                break;
        }
    }

    private double MeterJoules() => _core.Options.EnergyMeter.ReadJoulesOrZero();

    private double StepJoules(double before, TimeSpan busy) => _core.Options.EnergyMeter.ChargeStep(before, busy);

    /// <summary>Takes a generated token: end of sequence (GenAI finishes the turn), text, stop strings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accept(GenAiSequence s, int token)
    {
        if (_model.EosTokenIds.Contains(token) && (!s.Pending.Request.IgnoreEos || s.Pending.Request.Constraint is not null))
        {
            return;
        }
        s.Generated.Add(token);
        s.FirstTokenAt ??= _core.Time.GetUtcNow();
        _core.Activity.Generated();
        _emit.Clear();
        var stopped = s.Stops.Append(s.Stream.Next(token), _emit);
        Emit(s, token);
        if (stopped)
        {
            Finish(s, FinishReason.Stop, flush: false);
        }
    }

    private void Emit(GenAiSequence s, int token) => SequenceOutput.Emit(_emit, s.Text, s.Pending, token);

    private void Finish(GenAiSequence s, FinishReason reason, bool flush = true, bool contextExhausted = false)
    {
        if (s.Finished)
        {
            return;
        }
        s.Finished = true;
        if (flush)
        {
            SequenceOutput.Flush(s.Stream, s.Stops, _emit);
            Emit(s, -1);
        }
        var now = _core.Time.GetUtcNow();
        var received = s.Pending.Request.ReceivedAt;
        var usage = new Usage(s.Pending.PromptIds.Length, s.Generated.Count, 0,
            ((s.FirstTokenAt ?? now) - received).TotalMilliseconds, (now - received).TotalMilliseconds, s.EnergyJ);
        var result = new GenerationResult(s.Pending.Request.Id, _model.Identity.Id, s.Text.ToString(), s.Generated.ToArray(), reason, usage)
        {
            ContextExhausted = contextExhausted,
        };
        s.Pending.Complete(result);
        _core.Outcomes.CountCompleted();
        LogFinished(_core.Logger, result.Id, reason, usage.PromptTokens, usage.CompletionTokens, usage.TotalMs);
    }

    /// <summary>Closes finished requests in the engine (a static batch keeps their rows until it ends) and forgets them.</summary>
    private void RemoveFinished()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var s = _active[i];
            if (!s.Finished)
            {
                continue;
            }
            _byRequest.Remove(s.Request.DangerousGetHandle());
            s.Dispose();
            _active.RemoveAt(i);
        }
        Volatile.Write(ref _activeCount, _active.Count);
    }

    private void HandleCancellations()
    {
        foreach (var s in _active)
        {
            if (s.Pending.Cancelled)
            {
                Finish(s, FinishReason.Cancelled);
            }
        }
        RemoveFinished();
        foreach (var p in _core.Requests.TakeCancelled())
        {
            _core.Outcomes.CompleteWithoutRunning(p, FinishReason.Cancelled);
        }
    }
}
