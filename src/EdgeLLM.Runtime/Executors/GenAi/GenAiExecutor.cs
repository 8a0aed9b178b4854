using System.Diagnostics;
using System.Reflection;
using System.Text;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Executors.GenAi.Native;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// Runs requests on ONNX Runtime GenAI's <c>Engine</c> (the C API's batching scheduler, bound in <c>Native/</c>
/// because the managed package lacks it). EdgeLLM keeps what the service promises around it: its own priority
/// queue (priorities, deadlines, <c>overloaded</c>, <c>over_budget</c> at admission), the prompt's token ids from the
/// model's tokenizer and chat template, detokenizing and stop strings, usage, energy per step and cancellation. So
/// a request gets the same answer as on EdgeLLM's own loop; only the decoder runs in GenAI. One owner thread makes
/// every engine call, as GenAI requires.
/// </summary>
public sealed partial class GenAiExecutor : IInferenceExecutor
{
    private const int EventCapacity = 256;
    private static readonly TimeSpan IdleTick = TimeSpan.FromMilliseconds(250);
    private readonly LanguageModel _model;
    private readonly ExecutorCore _core;
    private readonly List<GenAiSequence> _active = [];
    private readonly Dictionary<IntPtr, GenAiSequence> _byRequest = [];
    private readonly StringBuilder _emit = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource<(int Capacity, BatchingMode Batching)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OgaModelHandle? _ogaModel;
    private readonly int _capacity;
    private volatile bool _admissionPaused;
    private volatile int _batchLimit;
    private int _activeCount;
    private long _steps;
    private long _stepTicks;
    private long _runTicks;
    private long _kvBytesInUse;

    /// <summary>Opens <paramref name="model"/>'s directory in GenAI and starts the engine's owner thread.</summary>
    /// <param name="model">The model as EdgeLLM read it (tokenizer, template, limits); usually opened without a decoder session.</param>
    /// <param name="options">Batch size (GenAI's static batch), queue, energy meter, admission policy.</param>
    /// <param name="logger">Start, finish and failure logs.</param>
    /// <param name="time">The clock for deadlines, latencies and the heartbeat.</param>
    /// <exception cref="GenAiException">GenAI could not load the model or create its engine; the message is GenAI's.</exception>
    public GenAiExecutor(LanguageModel model, EngineOptions? options = null, ILogger<GenAiExecutor>? logger = null, TimeProvider? time = null)
    {
        _model = model;
        _core = new ExecutorCore(model, options, logger, time);
        // GenAI dlopens libonnxruntime.so.1: the ORT EdgeLLM loaded (the package's or EDGELLM_ORT_LIBRARY) must be in
        // the process first so that GenAI gets the same one.
        Onnx.OrtLibrary.Load(model.LoadOptions.OnnxRuntimeLibrary);
        GenAiRuntime.EnsureShutdownAtExit();
        _ogaModel = GenAiModelOpener.Open(model, _core.Options.MaxBatchSize);
        _thread = new Thread(Run) { IsBackground = true, Name = "edgellm-genai" };
        _thread.Start();
        try
        {
            (_capacity, Batching) = _ready.Task.GetAwaiter().GetResult();
        }
        catch
        {
            // The owner thread could not create the engine and has ended; nothing else holds the model.
            _ogaModel?.Dispose();
            _core.Requests.Dispose();
            throw;
        }
        _batchLimit = _capacity;
        LogStarted(_core.Logger, model.Identity.Id, _capacity, Batching, model.MaxSequenceLength, model.SharedKvBuffer ? "shared" : "growing");
    }

    /// <summary>The ONNX Runtime GenAI release EdgeLLM was built with (e.g. <c>0.18.0</c>).</summary>
    public static string GenAiVersion { get; } = typeof(GenAiExecutor).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "OnnxRuntimeGenAIVersion")?.Value ?? "unknown";

    /// <inheritdoc />
    public ExecutorKind Kind => ExecutorKind.GenAi;

    /// <inheritdoc />
    public BatchingMode Batching { get; }

    /// <inheritdoc />
    public LanguageModel Model => _model;

    /// <inheritdoc />
    public bool IsAcceptingRequests => _core.Requests.IsAccepting;

    /// <inheritdoc />
    public bool AdmissionPaused
    {
        get => _admissionPaused;
        set
        {
            _admissionPaused = value;
            _core.Requests.Wake();
        }
    }

    /// <inheritdoc />
    public int BatchLimit
    {
        get => _batchLimit;
        set => _batchLimit = Math.Clamp(value, 1, _capacity);
    }

    /// <inheritdoc />
    public DateTimeOffset LastHeartbeat => _core.Activity.LastHeartbeat;

    /// <inheritdoc />
    public EngineStats GetStats()
    {
        var queued = _core.Requests.Count;
        var perSequence = _model.KvLayout.BytesPerSequence(_model.MaxSequenceLength);
        return new EngineStats
        {
            Queued = queued,
            InFlight = Volatile.Read(ref _activeCount),
            BatchCapacity = _capacity,
            LastBatchSize = _core.Activity.LastBatch,
            KvCacheBytes = _model.SharedKvBuffer ? perSequence * _capacity : perSequence,
            KvBytesInUse = Interlocked.Read(ref _kvBytesInUse),
            RequestsCompleted = _core.Outcomes.Completed,
            RequestsFailed = _core.Outcomes.Failed,
            PromptTokens = _core.Activity.PromptTokens,
            CompletionTokens = _core.Activity.CompletionTokens,
            TokensPerSecond = _core.Activity.TokensPerSecond,
            DecodeSteps = Interlocked.Read(ref _steps),
            DecodeStepTime = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _stepTicks)),
            DecodeOrtRunTime = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _runTicks)),
            LastHeartbeat = LastHeartbeat,
        };
    }

    /// <inheritdoc />
    public GenerationStream Stream(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var pending = RequestPreparer.Prepare(_model, _core.Options, request, _core.Requests.NextSequence());
        // EdgeLLM's up-front checks (keywords, shortest answer against the budget) hold here too; GenAI's guidance
        // then does the decoding.
        pending.Constraint = ConstraintAdmission.Compile(_core.Constraints, request, pending.MaxTokens, _model.MaxSequenceLength - pending.PromptIds.Length);
        return _core.Requests.Enqueue(pending, cancellationToken);
    }

    /// <inheritdoc />
    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        RequestQueue.ResultOf(this, request, cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(TimeSpan drain, CancellationToken cancellationToken = default) =>
        _core.Requests.StopAsync(CancelUnstarted, drain, _core.Time, _stopped.Task, cancellationToken);

    private void CancelQueued() => _core.Requests.CancelWaiting(CancelUnstarted);

    private void CancelUnstarted(PendingRequest p) => _core.Outcomes.CompleteWithoutRunning(p, FinishReason.Cancelled);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stopped.Task.IsCompleted)
        {
            await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        }
        _ogaModel?.Dispose();
        _core.Requests.Dispose();
    }
}
