using System.Diagnostics;
using System.Text;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.KvCache;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Sampling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// The one loop that owns a model and its batch. Requests from every transport queue here (priority first,
/// then arrival); at each token boundary waiting requests join free slots (prefill, reusing cached prefixes),
/// one batched decode step advances every active sequence, and finished ones leave. Text streams back as
/// <see cref="GenerationDelta"/>s; every accepted request ends in exactly one <see cref="GenerationStream.Result"/>.
/// </summary>
public sealed partial class InferenceEngine : IInferenceExecutor
{
    private static readonly TimeSpan IdleTick = TimeSpan.FromMilliseconds(250);
    private readonly LanguageModel _model;
    private readonly ExecutorCore _core;
    private readonly IDecodeBatch _batch;
    private readonly PrefixCache _prefixCache;
    private readonly ActiveSequence?[] _slots;
    private readonly bool[] _finished;
    private readonly int[] _stepTokens;
    private readonly double[] _prefillJoules;
    private readonly List<(PendingRequest Pending, int Cached)> _admitting = [];
    private readonly Stack<TokenSampler> _samplers = new();
    private readonly StringBuilder _emit = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _admissionPaused;
    private volatile int _batchLimit;
    private int _active;
    private long _decodeSteps;
    private long _decodeStepTicks;

    public InferenceEngine(LanguageModel model, EngineOptions? options = null, ILogger<InferenceEngine>? logger = null, TimeProvider? time = null)
    {
        _model = model;
        _core = new ExecutorCore(model, options, logger, time);
        _batch = model.CreateBatch(Math.Max(1, _core.Options.MaxBatchSize));
        _prefixCache = new PrefixCache(_core.Options.PrefixCacheBytes, _core.Options.PrefixCacheMinTokens);
        _slots = new ActiveSequence?[_batch.Capacity];
        _finished = new bool[_batch.Capacity];
        _stepTokens = new int[_batch.Capacity];
        _prefillJoules = new double[_batch.Capacity];
        _batchLimit = _batch.Capacity;
        StartSpeculation();
        _thread = new Thread(Run) { IsBackground = true, Name = "edgellm-engine" };
        _thread.Start();
        LogStarted(_core.Logger, model.Identity.Id, _batch.Capacity, model.MaxSequenceLength, model.SharedKvBuffer ? "shared" : "growing");
    }

    public LanguageModel Model => _model;

    /// <inheritdoc />
    public ExecutorKind Kind => ExecutorKind.EdgeLLM;

    /// <inheritdoc />
    public BatchingMode Batching => BatchingMode.Continuous;

    public bool IsAcceptingRequests => _core.Requests.IsAccepting;

    /// <summary>
    /// While true, requests queue but none starts (thermal pause, maintenance); active ones keep decoding.
    /// </summary>
    public bool AdmissionPaused
    {
        get => _admissionPaused;
        set
        {
            _admissionPaused = value;
            _core.Requests.Wake();
        }
    }

    /// <summary>
    /// Sequences allowed to decode together, 1 to the batch capacity; thermal throttling lowers it. Sequences
    /// already running finish; new ones start only while fewer than this are active.
    /// </summary>
    public int BatchLimit
    {
        get => _batchLimit;
        set => _batchLimit = Math.Clamp(value, 1, _batch.Capacity);
    }

    /// <summary>When the engine loop last went round; a stuck engine stops moving it (the watchdog reads it).</summary>
    public DateTimeOffset LastHeartbeat => _core.Activity.LastHeartbeat;

    public EngineStats GetStats()
    {
        var queued = _core.Requests.Count;
        var active = Volatile.Read(ref _active);
        var inUse = 0L;
        for (var i = 0; i < active; i++)
        {
            inUse += _model.KvLayout.BytesPerSequence(_slots[i]?.HistoryLength ?? 0);
        }
        return new EngineStats
        {
            Queued = queued,
            InFlight = active,
            BatchCapacity = _batch.Capacity,
            LastBatchSize = _core.Activity.LastBatch,
            KvCacheBytes = _batch.KvBytes,
            KvBytesInUse = inUse,
            PrefixCacheBytes = _prefixCache.Bytes,
            PrefixCacheHits = _prefixCache.Hits,
            RequestsCompleted = _core.Outcomes.Completed,
            RequestsFailed = _core.Outcomes.Failed,
            PromptTokens = _core.Activity.PromptTokens,
            CompletionTokens = _core.Activity.CompletionTokens,
            TokensPerSecond = _core.Activity.TokensPerSecond,
            DecodeSteps = Interlocked.Read(ref _decodeSteps),
            DecodeStepTime = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _decodeStepTicks)),
            DecodeOrtRunTime = Stopwatch.GetElapsedTime(0, _batch.DecodeRunTicks),
            ConstraintMaskTime = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maskTicks)),
            ConstrainedTokens = Interlocked.Read(ref _maskedTokens),
            DraftedTokens = Interlocked.Read(ref _draftedTokens),
            AcceptedDraftTokens = Interlocked.Read(ref _acceptedDraftTokens),
            VerifySteps = Interlocked.Read(ref _verifySteps),
            LastHeartbeat = LastHeartbeat,
        };
    }

    /// <inheritdoc />
    public GenerationStream Stream(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var pending = RequestPreparer.Prepare(_model, _core.Options, request, _core.Requests.NextSequence());
        pending.Constraint = CompileConstraint(request, pending.MaxTokens, _model.MaxSequenceLength - pending.PromptIds.Length);
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
        _core.Requests.StopAsync(CancelUnstarted, drain, _core.Time, _stopped.Task, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_stopped.Task.IsCompleted)
        {
            await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        }
        _speculator?.Dispose();
        _batch.Dispose();
        _prefixCache.Dispose();
        _core.Requests.Dispose();
    }

    private void CancelQueued() => _core.Requests.CancelWaiting(CancelUnstarted);

    private void CancelUnstarted(PendingRequest p) => _core.Outcomes.CompleteWithoutRunning(p, FinishReason.Cancelled);
}
