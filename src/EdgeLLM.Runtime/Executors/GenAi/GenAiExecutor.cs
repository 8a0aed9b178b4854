using System.Reflection;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// Runs requests on ONNX Runtime GenAI's <c>Engine</c> under EdgeLLM's <see cref="ExecutorLoop"/>: the priority
/// queue, deadlines, <c>overloaded</c> and <c>over_budget</c>, the prompt's ids from the model's tokenizer and chat
/// template, detokenizing and stop strings, usage, energy and cancellation are the loop's, so a request gets the same
/// answer as on EdgeLLM's own backend; only the decoder runs in GenAI (<see cref="GenAiBackend"/>). The profile's
/// providers fall back one by one down to CPU.
/// </summary>
public sealed class GenAiExecutor : ExecutorLoop
{
    private readonly GenAiProviderFallback _providers;

    /// <param name="model">The model as EdgeLLM read it (tokenizer, template, limits); usually opened without a decoder session.</param>
    /// <param name="options">Batch size (GenAI's static batch), queue, energy meter, admission policy.</param>
    /// <param name="logger">Start, finish, fallback and failure logs.</param>
    /// <param name="time">The clock for deadlines, latencies and the heartbeat.</param>
    public GenAiExecutor(LanguageModel model, EngineOptions? options = null, ILogger<GenAiExecutor>? logger = null, TimeProvider? time = null)
        : this(model, options, logger, time, new GenAiProviderFallback((ILogger?)logger ?? NullLogger.Instance))
    {
    }

    private GenAiExecutor(LanguageModel model, EngineOptions? options, ILogger? logger, TimeProvider? time, GenAiProviderFallback providers)
        : base(ExecutorKind.GenAi, model, options, logger, time, o => new GenAiBackend(model, o, providers)) =>
        _providers = providers;

    /// <summary>A started executor; one that cannot start is disposed and the cause thrown.</summary>
    /// <exception cref="GenAiException">GenAI could not load the model on any provider or create its engine.</exception>
    public static GenAiExecutor Started(LanguageModel model, EngineOptions? options = null, ILogger<GenAiExecutor>? logger = null, TimeProvider? time = null) =>
        StartOrDispose(new GenAiExecutor(model, options, logger, time));

    /// <summary>The ONNX Runtime GenAI release EdgeLLM was built with (e.g. <c>0.18.0</c>).</summary>
    public static string GenAiVersion { get; } = typeof(GenAiExecutor).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "OnnxRuntimeGenAIVersion")?.Value ?? "unknown";

    /// <summary>The provider GenAI opened the model on, after falling back past those it could not load.</summary>
    public string ExecutionProvider => _providers.Provider;

    /// <summary>Each provider GenAI tried, in order, with why it was not taken.</summary>
    public IReadOnlyList<ProviderAttempt> ProviderAttempts => _providers.Attempts;
}
