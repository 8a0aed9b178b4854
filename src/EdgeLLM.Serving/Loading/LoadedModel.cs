using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Serving.Loading;

/// <summary>A model, its speculative draft (if it has one) and the engine serving them; disposed together, the
/// engine first. The loaded model owns the draft: an options record only points at it.</summary>
public sealed class LoadedModel(LanguageModel model, IInferenceExecutor engine, ModelFootprint footprint, LanguageModel? draft = null) : IAsyncDisposable
{
    public LanguageModel Model { get; } = model;

    public IInferenceExecutor Engine { get; } = engine;

    /// <summary>Which executor and provider serve the model, and why (a fallback's reason).</summary>
    public ExecutorChoice Choice { get; init; } = ExecutorChoice.Of(engine, engine.Kind);

    /// <summary>The provider the serving executor runs on (GenAI's after its own fallback; status, metrics, logs).</summary>
    public string ExecutionProvider => Choice.Provider;

    /// <summary>What the model cost this process, measured when it was loaded (<see cref="ModelLoader"/>).</summary>
    public ModelFootprint Footprint { get; } = footprint;

    /// <summary>What the model adds to the process at its full batch (<see cref="ModelFootprint.ModelBytes"/>): what
    /// <c>/v1/models</c> reports as <c>memory_bytes</c> and what other models' budgets leave room for.</summary>
    public long MemoryBytes => Footprint.ModelBytes;

    /// <summary>The footprint with the KV cache's resident part measured now (a system call per cache buffer: for
    /// reports, not per request).</summary>
    public ModelFootprint CurrentFootprint() => Footprint with { KvResidentBytes = Engine.KvResidentBytes() };

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Lets in-flight requests finish within <paramref name="drain"/>, then frees the engine and the session.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        await Engine.StopAsync(drain).ConfigureAwait(false);
        await Engine.DisposeAsync().ConfigureAwait(false);
        draft?.Dispose();
        Model.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync(TimeSpan.Zero));
}
