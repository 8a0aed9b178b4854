using EdgeLLM.Runtime.Executors.GenAi;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Serving.Loading;

/// <summary>
/// Loads a model directory under a <see cref="ServingPlan"/> and measures what it costs (<see cref="ModelFootprint"/>):
/// refuses a model whose measured footprint with one full-context sequence (runtime, sessions, tokenizer, KV cache,
/// activations) exceeds the memory budget, then sizes the batch so that the KV cache of every slot stays inside the KV
/// budget and the whole footprint inside the memory budget. A plan for GenAI that GenAI cannot serve at all (no
/// provider it can load the model on, no GenAI library) falls back to EdgeLLM's own executor, with the reason logged:
/// the device serves either way.
/// </summary>
public sealed partial class ModelLoader
{
    private readonly ServingPlan _plan;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Func<LoadPoint, MemoryReading> _read;
    private readonly ILogger _logger;

    public ModelLoader(ServingPlan plan, ILoggerFactory loggerFactory) : this(plan, loggerFactory, _ => MemoryReading.Settled())
    {
    }

    /// <param name="plan">The serving plan.</param>
    /// <param name="loggerFactory">Logs.</param>
    /// <param name="read">Reads the process's memory at each point of a load (tests give fixed readings).</param>
    internal ModelLoader(ServingPlan plan, ILoggerFactory loggerFactory, Func<LoadPoint, MemoryReading> read)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(read);
        _plan = plan;
        _loggerFactory = loggerFactory;
        _read = read;
        _logger = loggerFactory.CreateLogger<ModelLoader>();
    }

    public ServingPlan Plan => _plan;

    /// <summary>A loader under another plan (a budget that other models leave, a single slot) that measures loads the
    /// same way.</summary>
    public ModelLoader With(ServingPlan plan) => new(plan, _loggerFactory, _read);

    /// <param name="directory">The model directory.</param>
    /// <param name="engine">The executor's options as they are (a CLI command's own batch); null sizes them from the plan.</param>
    /// <exception cref="ModelLoadException">The directory is not a usable model, or it does not fit the budget.</exception>
    public LoadedModel Load(string directory, EngineOptions? engine = null)
    {
        // Refuse before mapping anything when the weights alone are too large: ONNX Runtime reads or maps every weight,
        // so the files are a floor of what the session will hold.
        var weightsOnDisk = ModelDirectory.WeightsBytes(directory);
        if (_plan.MemoryBudgetBytes > 0 && _plan.RuntimeBytes + weightsOnDisk > _plan.MemoryBudgetBytes)
        {
            throw MemoryBudgetException.AsLoadError(new MemoryBudgetException(Path.GetFileName(directory), _plan.RuntimeBytes + weightsOnDisk, _plan.MemoryBudgetBytes,
                $"weights files {ModelFootprint.MiB(weightsOnDisk)} + runtime {ModelFootprint.MiB(_plan.RuntimeBytes)}, before any session, tokenizer or KV cache"));
        }
        if (_plan.Executor != ExecutorKind.GenAi)
        {
            return LoadOn(_plan.Executor, directory, engine, fallbackReason: null);
        }
        if (!GenAiLibrary.IsAvailable)
        {
            // The release artifacts ship GenAI as an add-on: its absence is an install choice, said in one line
            // that names the package, not a loader error.
            LogGenAiAddOnMissing(_logger, GenAiLibrary.FileName, GenAiLibrary.AddOnPackage, Path.GetFileName(directory));
            return LoadOn(ExecutorKind.EdgeLLM, directory, engine,
                $"ONNX Runtime GenAI ({GenAiLibrary.FileName}) is not installed: install the {GenAiLibrary.AddOnPackage} add-on");
        }
        try
        {
            return LoadOn(ExecutorKind.GenAi, directory, engine, fallbackReason: null);
        }
        catch (ModelLoadException e) when (e.InnerException is not MemoryBudgetException)
        {
            var reason = $"ONNX Runtime GenAI cannot serve it: {e.InnerException?.Message ?? e.Message}";
            LogExecutorFallback(_logger, Path.GetFileName(directory), reason);
            return LoadOn(ExecutorKind.EdgeLLM, directory, engine, reason);
        }
    }

    private LoadedModel LoadOn(ExecutorKind kind, string directory, EngineOptions? engine, string? fallbackReason)
    {
        var before = _read(LoadPoint.BeforeOpen);
        var model = LanguageModel.Load(directory, ExecutorFactory.LoadOptionsFor(kind, _plan.LoadOptions), _loggerFactory);
        LanguageModel? draft = null;
        IInferenceExecutor? executor = null;
        try
        {
            var opened = _read(LoadPoint.Opened);
            var cost = LoadCost.Between(before, opened);
            // GenAI opens its own session when its executor starts: until it is measured, the weights files stand for it.
            var ownSession = model.LoadOptions.OpenDecoderSession;
            var sizing = ownSession ? cost : cost with { NativeBytes = Math.Max(cost.NativeBytes, model.WeightsBytes) };
            RefuseOverBudget(model, ModelFootprint.Of(model, _plan, sizing, slots: 1));
            var slots = BatchSlots(model, sizing);
            // The draft is held here, not by the options that point at it, so that the catch below frees it too.
            var speculative = engine is null ? SpeculativeServing.For(model, kind, _loggerFactory) : null;
            draft = speculative?.Draft;
            executor = ExecutorFactory.Create(kind, model, engine ?? new EngineOptions
            {
                MaxBatchSize = slots,
                MaxQueuedRequests = _plan.MaxQueuedRequests,
                PrefixCacheBytes = _plan.PrefixCacheBytes,
                PrefillChunkTokens = _plan.PrefillChunkTokens,
                EnergyMeter = _plan.EnergyMeter,
                Admission = _plan.Admission,
                Speculative = speculative,
            }, _loggerFactory);
            // The draft's load and the executor's start (GenAI's model, the batch's buffers) are the model's too.
            cost = cost.And(LoadCost.Between(opened, _read(LoadPoint.Started)));
            var stats = executor.GetStats();
            var footprint = ModelFootprint.Of(model, _plan, cost, stats.BatchCapacity, executor.KvResidentBytes()) with { KvReservedBytes = stats.KvCacheBytes };
            if (!ownSession)
            {
                // Only now is GenAI's session measured: the check made with the files' size is made again with it.
                RefuseOverBudget(model, footprint);
            }
            if (engine is null && slots < _plan.MaxBatchSize)
            {
                LogBatchReduced(_logger, model.Identity.Id, slots, _plan.MaxBatchSize, _plan.MemoryBudgetBytes, _plan.KvBudgetBytes, footprint.Describe());
            }
            LogFootprint(_logger, model.Identity.Id, footprint.Describe(), _plan.MemoryBudgetBytes);
            return new LoadedModel(model, executor, footprint, draft) { Choice = ExecutorChoice.Of(executor, _plan.Executor, fallbackReason) };
        }
        catch
        {
            executor?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            draft?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>Refuses <paramref name="model"/> when <paramref name="footprint"/> exceeds the memory budget (0: none).</summary>
    private void RefuseOverBudget(LanguageModel model, ModelFootprint footprint)
    {
        if (_plan.MemoryBudgetBytes > 0 && footprint.RequiredBytes > _plan.MemoryBudgetBytes)
        {
            throw MemoryBudgetException.AsLoadError(new MemoryBudgetException(model.Identity.Id, footprint, _plan.MemoryBudgetBytes));
        }
    }

    /// <summary>Slots that fit: the configured batch, fewer while the KV cache exceeds the KV budget or the footprint
    /// (<see cref="ModelFootprint.Of"/>) the memory budget; at least one (the one-sequence check came first).</summary>
    internal int BatchSlots(LanguageModel model, LoadCost cost)
    {
        var slots = Math.Max(1, _plan.MaxBatchSize);
        while (slots > 1
               && ((_plan.KvBudgetBytes > 0 && model.KvReservedBytes(slots) > _plan.KvBudgetBytes)
                   || (_plan.MemoryBudgetBytes > 0 && ModelFootprint.Of(model, _plan, cost, slots).RequiredBytes > _plan.MemoryBudgetBytes)))
        {
            slots--;
        }
        return slots;
    }

    [LoggerMessage(EventId = 1242, Level = LogLevel.Warning,
        Message = "Model {Model} gets {Slots} batch slots of the {Configured} configured: the memory budget ({MemoryBudget} bytes) or the KV budget ({KvBudget} bytes) holds no more; footprint at that batch: {Footprint}")]
    private static partial void LogBatchReduced(ILogger logger, string model, int slots, int configured, long memoryBudget, long kvBudget, string footprint);

    [LoggerMessage(EventId = 1243, Level = LogLevel.Information, Message = "Model {Model} footprint: {Footprint} (memory budget {Budget} bytes, 0: none)")]
    private static partial void LogFootprint(ILogger logger, string model, string footprint, long budget);

    [LoggerMessage(EventId = 1240, Level = LogLevel.Warning, Message = "Model {Model} is served by the edgellm executor instead of genai: {Reason}")]
    private static partial void LogExecutorFallback(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1241, Level = LogLevel.Warning,
        Message = "The genai executor is configured but ONNX Runtime GenAI ({Library}) is not installed: install the {Package} add-on (apt install ./{Package}_<version>_<arch>.deb, or its tarball); {Model} is served by the edgellm executor")]
    private static partial void LogGenAiAddOnMissing(ILogger logger, string library, string package, string model);
}
