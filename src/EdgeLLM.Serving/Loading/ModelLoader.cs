using EdgeLLM.Runtime.Executors.GenAi;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Serving.Loading;

/// <summary>
/// Loads a model directory under a <see cref="ServingPlan"/>: refuses a model whose weights plus minimum KV cache
/// (one sequence of full context) exceed the memory budget, then sizes the batch so that the KV cache of every
/// slot stays inside the KV budget and the memory budget. A plan for GenAI that GenAI cannot serve at all (no
/// provider it can load the model on, no GenAI library) falls back to EdgeLLM's own executor, with the reason logged:
/// the device serves either way.
/// </summary>
public sealed partial class ModelLoader(ServingPlan plan, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelLoader>();

    public ServingPlan Plan => plan;

    /// <summary>What <paramref name="model"/> needs of the memory budget: the process, the weights and one sequence's
    /// KV cache of full context (the one place this is written).</summary>
    public long RequiredBytes(LanguageModel model) =>
        plan.RuntimeBytes + model.WeightsBytes + model.KvLayout.BytesPerSequence(model.MaxSequenceLength);

    /// <param name="directory">The model directory.</param>
    /// <param name="engine">The executor's options as they are (a CLI command's own batch); null sizes them from the plan.</param>
    /// <exception cref="ModelLoadException">The directory is not a usable model, or it does not fit the budget.</exception>
    public LoadedModel Load(string directory, EngineOptions? engine = null)
    {
        // Refuse before mapping anything when the weights alone are too large.
        var weightsOnDisk = ModelDirectory.WeightsBytes(directory);
        if (plan.MemoryBudgetBytes > 0 && plan.RuntimeBytes + weightsOnDisk > plan.MemoryBudgetBytes)
        {
            throw MemoryBudgetException.AsLoadError(new MemoryBudgetException(Path.GetFileName(directory), plan.RuntimeBytes + weightsOnDisk, plan.MemoryBudgetBytes,
                $"weights {weightsOnDisk} + runtime {plan.RuntimeBytes}, before any KV cache"));
        }
        if (plan.Executor != ExecutorKind.GenAi)
        {
            return LoadOn(plan.Executor, directory, engine, fallbackReason: null);
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
        var model = LanguageModel.Load(directory, ExecutorFactory.LoadOptionsFor(kind, plan.LoadOptions), loggerFactory);
        LanguageModel? draft = null;
        try
        {
            var perSequence = model.KvLayout.BytesPerSequence(model.MaxSequenceLength);
            var required = RequiredBytes(model);
            if (plan.MemoryBudgetBytes > 0 && required > plan.MemoryBudgetBytes)
            {
                throw MemoryBudgetException.AsLoadError(new MemoryBudgetException(model.Identity.Id, required, plan.MemoryBudgetBytes,
                    $"weights {model.WeightsBytes} + minimum KV cache {perSequence} for one sequence of {model.MaxSequenceLength} positions + runtime {plan.RuntimeBytes}"));
            }
            // The draft is held here, not by the options that point at it, so that the catch below frees it too.
            var speculative = engine is null ? SpeculativeServing.For(model, kind, loggerFactory) : null;
            draft = speculative?.Draft;
            var executor = ExecutorFactory.Create(kind, model, engine ?? new EngineOptions
            {
                MaxBatchSize = BatchSlots(model, perSequence),
                MaxQueuedRequests = plan.MaxQueuedRequests,
                PrefixCacheBytes = plan.PrefixCacheBytes,
                PrefillChunkTokens = plan.PrefillChunkTokens,
                EnergyMeter = plan.EnergyMeter,
                Admission = plan.Admission,
                Speculative = speculative,
            }, loggerFactory);
            var kvBytes = model.SharedKvBuffer ? perSequence * executor.GetStats().BatchCapacity : perSequence;
            return new LoadedModel(model, executor, kvBytes, draft) { Choice = ExecutorChoice.Of(executor, plan.Executor, fallbackReason) };
        }
        catch
        {
            draft?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>Slots that fit: the configured batch, fewer when the KV budget or what the memory budget leaves is smaller.</summary>
    internal int BatchSlots(LanguageModel model, long perSequence)
    {
        var slots = Math.Max(1, plan.MaxBatchSize);
        if (plan.KvBudgetBytes > 0)
        {
            slots = (int)Math.Clamp(plan.KvBudgetBytes / Math.Max(1, perSequence), 1, slots);
        }
        if (plan.MemoryBudgetBytes > 0)
        {
            var left = plan.MemoryBudgetBytes - plan.RuntimeBytes - model.WeightsBytes;
            slots = (int)Math.Clamp(left / Math.Max(1, perSequence), 1, slots);
        }
        return slots;
    }

    [LoggerMessage(EventId = 1240, Level = LogLevel.Warning, Message = "Model {Model} is served by the edgellm executor instead of genai: {Reason}")]
    private static partial void LogExecutorFallback(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1241, Level = LogLevel.Warning,
        Message = "The genai executor is configured but ONNX Runtime GenAI ({Library}) is not installed: install the {Package} add-on (apt install ./{Package}_<version>_<arch>.deb, or its tarball); {Model} is served by the edgellm executor")]
    private static partial void LogGenAiAddOnMissing(ILogger logger, string library, string package, string model);
}
