using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Executors.GenAi.Native;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// ONNX Runtime GenAI's <c>Engine</c> as a backend (the C API's batching scheduler, bound in <c>Native/</c> because
/// the managed package lacks it): a slot is an <c>OgaRequest</c> with one turn over the prompt's ids, a step is one
/// <c>OgaEngineRun</c> (GenAI prefills and decodes inside it, so prompts go in whole) whose events become token
/// events. GenAI chooses the tokens (its sampling, its guidance for constraints). Every call comes on the loop's
/// thread, as GenAI requires.
/// </summary>
internal sealed class GenAiBackend(LanguageModel model, EngineOptions options, GenAiProviderFallback providers) : IExecutionBackend
{
    private const int EventCapacity = 256;
    // OgaEngineEventFlags and OgaFinishReason values from ort_genai_c.h.
    private const uint FlagToken = 1, FlagTurnFinished = 2, FlagFailed = 8;
    private const uint FinishEos = 1, FinishStopString = 2, FinishMaxGenerated = 3, FinishMaxSession = 4, FinishCancelled = 5;

    private readonly Dictionary<IntPtr, Slot> _byRequest = [];
    private OgaRequestHandle?[] _requests = [];
    private OgaEngineHandle? _engine;
    private OgaEventBufferHandle? _events;
    private long _runTicks;

    public int Capacity { get; private set; }

    public BatchingMode Batching { get; private set; }

    public int MaxLength => model.MaxSequenceLength;

    public int VocabSize => 0;

    public bool ChunksPrefill => false;

    public long KvBytes => model.KvReservedBytes(Capacity);

    public long RunTicks => Interlocked.Read(ref _runTicks);

    /// <summary>The model (on the first provider of the profile's list GenAI can load), its engine, the event buffer.</summary>
    /// <exception cref="GenAiException">GenAI could not load the model on any provider or create its engine.</exception>
    public void Open()
    {
        try
        {
            // GenAI dlopens libonnxruntime.so.1: the ORT EdgeLLM loaded must be in the process first so that GenAI gets it.
            Onnx.OrtLibrary.Load(model.LoadOptions.OnnxRuntimeLibrary);
            GenAiRuntime.EnsureShutdownAtExit();
            using (var ogaModel = providers.Open(model, options.MaxBatchSize))
            {
                // The engine retains the model; our handle is not needed past this.
                OgaResult.Check(OgaNative.OgaCreateEngine(ogaModel, out var e), "OgaCreateEngine");
                _engine = new OgaEngineHandle(e);
            }
            OgaResult.Check(OgaNative.OgaCreateEngineEventBuffer(_engine, EventCapacity, out var b), "OgaCreateEngineEventBuffer");
            _events = new OgaEventBufferHandle(b);
            (Capacity, Batching) = ReadCapabilities(_engine);
            _requests = new OgaRequestHandle?[Capacity];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private (int Capacity, BatchingMode Batching) ReadCapabilities(OgaEngineHandle engine)
    {
        OgaResult.Check(OgaNative.OgaEngineGetCapabilities(engine, out var capabilities), "OgaEngineGetCapabilities");
        try
        {
            var capacity = (int)Math.Clamp((long)OgaNative.OgaEngineCapabilitiesGetConfiguredMaxBatchSize(capabilities), 1, Math.Max(1, options.MaxBatchSize));
            // A dynamic (paged, continuous) scheduler has a token budget; the static one reports zero.
            var batching = OgaNative.OgaEngineCapabilitiesGetMaxScheduledTokens(capabilities) == 0 ? BatchingMode.Static : BatchingMode.Continuous;
            return (capacity, batching);
        }
        finally
        {
            OgaNative.OgaDestroyEngineCapabilities(capabilities);
        }
    }

    public void Admit(Slot slot)
    {
        OgaRequestHandle request;
        try
        {
            request = GenAiTurns.Begin(_engine!, slot.Pending);
        }
        catch (GenAiException e)
        {
            throw new GenerationException(GenerationErrorCode.BadRequest, $"ONNX Runtime GenAI refused the request: {e.NativeMessage}", e);
        }
        _requests[slot.Row] = request;
        _byRequest[request.DangerousGetHandle()] = slot;
    }

    /// <summary>GenAI prefills inside its run: a prompt handed over in <see cref="Admit"/> is complete here.</summary>
    public void Prefill(ReadOnlySpan<Slot> slots, int budget, IStepSink sink) => sink.Prefilled(slots, complete: true);

    /// <summary>One <c>OgaEngineRun</c> (a prefill or a batched decode step), then its events.</summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<Slot> slots, IStepSink sink)
    {
        var started = Stopwatch.GetTimestamp();
        OgaResult.Check(OgaNative.OgaEngineRun(_engine!, _events!), "OgaEngineRun");
        Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - started);
        sink.Ran(slots);
        var count = (int)OgaNative.OgaEngineEventBufferGetCount(_events!);
        for (var i = 0; i < count; i++)
        {
            var e = OgaNative.OgaEngineEventBufferGet(_events!, (nuint)i);
            OgaResult.Check(OgaNative.OgaEngineEventGetFlags(e, out var flags), "OgaEngineEventGetFlags");
            OgaResult.Check(OgaNative.OgaEngineEventGetRequest(e, out var request), "OgaEngineEventGetRequest");
            if (!_byRequest.TryGetValue(request, out var s) || s.Finished)
            {
                continue;
            }
            if ((flags & FlagToken) != 0)
            {
                OgaResult.Check(OgaNative.OgaEngineEventGetToken(e, out var token), "OgaEngineEventGetToken");
                sink.Accept(s, token);
            }
            if (s.Finished)
            {
                continue;
            }
            if ((flags & FlagFailed) != 0)
            {
                OgaResult.Check(OgaNative.OgaEngineEventGetErrorCode(e, out var code), "OgaEngineEventGetErrorCode");
                sink.Fail(s, new GenerationException(GenerationErrorCode.Internal, $"ONNX Runtime GenAI failed the request (error code {code})"));
            }
            else if ((flags & FlagTurnFinished) != 0)
            {
                OgaResult.Check(OgaNative.OgaEngineEventGetFinishReason(e, out var reason), "OgaEngineEventGetFinishReason");
                EndTurn(s, reason, sink);
            }
        }
    }

    private static void EndTurn(Slot s, uint reason, IStepSink sink)
    {
        switch (reason)
        {
            case FinishEos or FinishStopString:
                sink.End(s, FinishReason.Stop);
                break;
            case FinishMaxGenerated:
                sink.End(s, FinishReason.Length, s.Pending.LimitedByContext);
                break;
            case FinishMaxSession:
                sink.End(s, FinishReason.Length, contextExhausted: true);
                break;
            case FinishCancelled:
                sink.End(s, FinishReason.Cancelled);
                break;
            default:
                sink.Fail(s, new GenerationException(GenerationErrorCode.Internal, $"ONNX Runtime GenAI ended the request with finish reason {reason}"));
                break;
        }
    }

    /// <summary>Closes the slot's request in the engine (a static batch keeps its row until the batch ends; its later
    /// events are discarded) and frees the handle.</summary>
    public void Release(Slot slot)
    {
        if (_requests[slot.Row] is not { } request)
        {
            return;
        }
        _requests[slot.Row] = null;
        _byRequest.Remove(request.DangerousGetHandle());
        Close(request);
    }

    public void Move(int from, int to)
    {
        _requests[to] = _requests[from];
        _requests[from] = null;
    }

    public EngineStats Describe(EngineStats stats) => stats;

    private static void Close(OgaRequestHandle request)
    {
        var result = OgaNative.OgaRequestClose(request);
        if (result != IntPtr.Zero)
        {
            // Close fails only for a request GenAI already dropped; there is nothing left to release but the handle.
            OgaNative.OgaDestroyResult(result);
        }
        request.Dispose();
    }

    public void Dispose()
    {
        for (var i = 0; i < _requests.Length; i++)
        {
            if (_requests[i] is { } request)
            {
                _requests[i] = null;
                Close(request);
            }
        }
        _byRequest.Clear();
        _events?.Dispose();
        _events = null;
        _engine?.Dispose();
        _engine = null;
    }
}
