using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Serving.Loading;

/// <summary>A model and the engine serving it; disposed together.</summary>
public sealed class LoadedModel(LanguageModel model, IInferenceExecutor engine, long kvBytes) : IAsyncDisposable
{
    public LanguageModel Model { get; } = model;

    public IInferenceExecutor Engine { get; } = engine;

    /// <summary>Weights plus the KV cache of every slot: what <c>/v1/models</c> reports as <c>memory_bytes</c>.</summary>
    public long MemoryBytes => Model.WeightsBytes + kvBytes;

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Lets in-flight requests finish within <paramref name="drain"/>, then frees the engine and the session.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        await Engine.StopAsync(drain).ConfigureAwait(false);
        await Engine.DisposeAsync().ConfigureAwait(false);
        Model.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync(TimeSpan.Zero));
}
