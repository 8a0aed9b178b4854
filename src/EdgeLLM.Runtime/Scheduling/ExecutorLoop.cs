using System.Diagnostics;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Sampling;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// The one loop that owns a model's requests, whatever runs the model (GenAI's <c>Engine</c> loop, llama.cpp's
/// server loop): requests from every transport queue here (priority first, then arrival); at each token boundary
/// waiting requests take free <see cref="Slot"/>s and their prompts go in (whole, or in chunks between decode steps),
/// one step advances every decoding slot, and finished ones leave. Admission, accepting tokens, finishing,
/// cancellation, the drain and stats are written here once; an <see cref="IExecutionBackend"/> only runs the model.
/// Constructors assign; <see cref="Start"/> opens the backend on the loop's thread and starts serving.
/// </summary>
public abstract partial class ExecutorLoop : IInferenceExecutor
{
    private static readonly TimeSpan IdleTick = TimeSpan.FromMilliseconds(250);
    private readonly ExecutorCore _core;
    private readonly IExecutionBackend _backend;
    private readonly PrefillPolicy _prefill;
    private readonly Stack<TokenSampler> _samplers = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Made on the loop's thread once the backend is open (its capacity decides their size).
    private SlotTable _slots = new(0);
    private SlotLifecycle? _lifecycle;
    private Thread? _thread;
    private volatile bool _admissionPaused;
    private volatile int _batchLimit = 1;
    private long _steps;
    private long _stepTicks;

    private protected ExecutorLoop(ExecutorKind kind, LanguageModel model, EngineOptions? options, ILogger? logger, TimeProvider? time, Func<EngineOptions, IExecutionBackend> backend)
    {
        ArgumentNullException.ThrowIfNull(model);
        Kind = kind;
        Model = model;
        _core = new ExecutorCore(model, options, logger, time);
        _backend = backend(_core.Options);
        _prefill = new PrefillPolicy(_core.Options.PrefillChunkTokens);
    }

    /// <inheritdoc />
    public ExecutorKind Kind { get; }

    /// <inheritdoc />
    public BatchingMode Batching => _backend.Batching;

    /// <inheritdoc />
    public LanguageModel Model { get; }

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
        set => _batchLimit = Math.Clamp(value, 1, Math.Max(1, _slots.Capacity));
    }

    /// <inheritdoc />
    public DateTimeOffset LastHeartbeat => _core.Activity.LastHeartbeat;

    /// <summary>
    /// Opens the backend on the loop's own thread and starts serving; returns once the loop runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="Exception">Whatever the backend's <c>Open</c> threw; what it had opened is freed.</exception>
    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("the executor is already started");
        }
        _thread = new Thread(Run) { IsBackground = true, Name = $"edgellm-{ExecutorKinds.ToName(Kind)}" };
        _thread.Start();
        _ready.Task.GetAwaiter().GetResult();
        LogStarted(_core.Logger, ExecutorKinds.ToName(Kind), Model.Identity.Id, _slots.Capacity, Batching, Model.MaxSequenceLength, Model.SharedKvBuffer ? "shared" : "growing");
    }

    /// <summary>Starts <paramref name="executor"/>; one that cannot start is disposed and the cause thrown.</summary>
    private protected static T StartOrDispose<T>(T executor) where T : ExecutorLoop
    {
        try
        {
            executor.Start();
            return executor;
        }
        catch
        {
            executor.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <inheritdoc />
    public long KvResidentBytes()
    {
        try
        {
            return _backend.KvResidentBytes();
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The loop freed the batch while this report read it (a stop): what it had reserved is the bound.
            return _backend.KvBytes;
        }
    }

    /// <inheritdoc />
    public EngineStats GetStats()
    {
        var slots = _slots;
        return _backend.Describe(new EngineStats
        {
            Queued = _core.Requests.Count,
            InFlight = slots.Active,
            BatchCapacity = slots.Capacity,
            LastBatchSize = _core.Activity.LastBatch,
            KvCacheBytes = _backend.KvBytes,
            KvBytesInUse = slots.KvBytesInUse(Model.KvLayout),
            RequestsCompleted = _core.Outcomes.Completed,
            RequestsFailed = _core.Outcomes.Failed,
            PromptTokens = _core.Activity.PromptTokens,
            CompletionTokens = _core.Activity.CompletionTokens,
            TokensPerSecond = _core.Activity.TokensPerSecond,
            DecodeSteps = Interlocked.Read(ref _steps),
            DecodeStepTime = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _stepTicks)),
            DecodeOrtRunTime = Stopwatch.GetElapsedTime(0, _backend.RunTicks),
            ConstraintMaskTime = _lifecycle?.Chooser.MaskTime ?? TimeSpan.Zero,
            ConstrainedTokens = _lifecycle?.Chooser.MaskedTokens ?? 0,
            PrefillChunks = _lifecycle?.PrefillChunks ?? 0,
            LastHeartbeat = LastHeartbeat,
        });
    }

    /// <inheritdoc />
    public GenerationStream Stream(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var pending = RequestPreparer.Prepare(Model, _core.Options, request, _core.Requests.NextSequence());
        // The up-front checks (keywords, shortest answer against the budget) hold on every backend.
        pending.Constraint = ConstraintAdmission.Compile(_core.Constraints, request, pending.MaxTokens, Model.MaxSequenceLength - pending.PromptIds.Length);
        return _core.Requests.Enqueue(pending, cancellationToken);
    }

    /// <inheritdoc />
    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        RequestQueue.ResultOf(this, request, cancellationToken);

    /// <summary>
    /// Stops taking requests, lets active ones finish within <paramref name="drain"/>, then ends what is left as
    /// cancelled: waiting requests at once, active ones at the next token boundary after the drain.
    /// </summary>
    public Task StopAsync(TimeSpan drain, CancellationToken cancellationToken = default) =>
        _thread is null ? StopUnstarted() : _core.Requests.StopAsync(CancelUnstarted, drain, _core.Time, _stopped.Task, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stopped.Task.IsCompleted)
        {
            await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        }
        _core.Requests.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>An executor never started has a backend never opened and nothing running: it ends its queue here.</summary>
    private Task StopUnstarted()
    {
        if (_stopped.TrySetResult())
        {
            _core.Requests.StopAccepting();
            CancelQueued();
            _backend.Dispose();
        }
        return Task.CompletedTask;
    }

    private void CancelQueued() => _core.Requests.CancelWaiting(CancelUnstarted);

    private void CancelUnstarted(PendingRequest p) => _core.Outcomes.CompleteWithoutRunning(p, FinishReason.Cancelled);
}
