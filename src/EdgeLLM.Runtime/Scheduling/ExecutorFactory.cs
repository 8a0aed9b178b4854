using EdgeLLM.Runtime.Executors.GenAi;
using EdgeLLM.Runtime.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>Starts the chosen executor on a loaded model and logs which one serves it.</summary>
public static partial class ExecutorFactory
{
    /// <summary>The load options a model needs for <paramref name="kind"/>: GenAI opens its own sessions, so EdgeLLM opens none.</summary>
    public static ModelLoadOptions LoadOptionsFor(ExecutorKind kind, ModelLoadOptions options) =>
        options with { OpenDecoderSession = kind == ExecutorKind.EdgeLLM };

    /// <summary>Starts <paramref name="kind"/> on <paramref name="model"/>.</summary>
    /// <exception cref="ModelLoadException">GenAI could not load the model or start its engine (the inner exception has
    /// GenAI's message), or the batch could not be opened.</exception>
    public static IInferenceExecutor Create(ExecutorKind kind, LanguageModel model, EngineOptions options, ILoggerFactory? loggerFactory = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        IInferenceExecutor executor;
        try
        {
            executor = kind == ExecutorKind.GenAi
                ? GenAiExecutor.Started(model, options, loggerFactory.CreateLogger<GenAiExecutor>())
                : InferenceEngine.Started(model, options, loggerFactory.CreateLogger<InferenceEngine>());
        }
        catch (Exception e) when (e is GenAiException or DllNotFoundException or EntryPointNotFoundException)
        {
            // A build without GenAI's library (or an older one) cannot serve on GenAI at all, like a model GenAI refuses.
            throw new ModelLoadException($"{model.Directory}: {e.Message}", e);
        }
        LogExecutor(loggerFactory.CreateLogger(typeof(ExecutorFactory).FullName!), ExecutorKinds.ToName(kind), model.Identity.Id, executor.Batching, ExecutorChoice.Of(executor, kind).Provider);
        return executor;
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "Executor {Executor} serves {Model} ({Batching} batching, {Provider})")]
    private static partial void LogExecutor(ILogger logger, string executor, string model, BatchingMode batching, string provider);
}
