using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Common;

/// <summary>A loaded model and the engine serving it, disposed together (engine first), for one CLI command.</summary>
internal sealed class EngineSession : IAsyncDisposable
{
    private EngineSession(LanguageModel model, InferenceEngine engine, TimeSpan loadTime)
    {
        Model = model;
        Engine = engine;
        LoadTime = loadTime;
    }

    public LanguageModel Model { get; }

    public InferenceEngine Engine { get; }

    /// <summary>How long opening the model took (files, tokenizer, ONNX Runtime session).</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Finds and loads a model (exit code 3 on failure) and starts an engine on it; a positive
    /// <paramref name="maxSequenceLength"/> caps the positions (and so the KV cache) each sequence gets.</summary>
    public static EngineSession Open(string? model, EngineOptions engineOptions, int threads = 0, string? stateDirectory = null, int maxSequenceLength = 0)
    {
        var directory = CliModelLoader.ResolveDirectory(model, stateDirectory);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var loaded = CliModelLoader.Load(directory, threads, maxSequenceLength);
        var loadTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        try
        {
            return new EngineSession(loaded, new InferenceEngine(loaded, engineOptions), loadTime);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync().ConfigureAwait(false);
        Model.Dispose();
    }
}
