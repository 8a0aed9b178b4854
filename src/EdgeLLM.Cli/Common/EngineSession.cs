using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Common;

/// <summary>A loaded model and the engine serving it, disposed together (engine first), for one CLI command.</summary>
internal sealed class EngineSession : IAsyncDisposable
{
    private EngineSession(LanguageModel model, IInferenceExecutor engine, TimeSpan loadTime)
    {
        Model = model;
        Engine = engine;
        LoadTime = loadTime;
    }

    public LanguageModel Model { get; }

    public IInferenceExecutor Engine { get; }

    /// <summary>How long opening the model took (files, tokenizer, ONNX Runtime or GenAI sessions).</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Finds and loads a model (exit code 3 on failure) and starts an executor on it: <paramref name="executor"/>,
    /// or the configured one (<see cref="CliModelLoader.Executor"/>); a positive <paramref name="maxSequenceLength"/>
    /// caps the positions (and so the KV cache) each sequence gets.</summary>
    public static EngineSession Open(string? model, EngineOptions engineOptions, int threads = 0, string? stateDirectory = null,
        ExecutorKind? executor = null, int maxSequenceLength = 0)
    {
        var kind = executor ?? CliModelLoader.Executor();
        var directory = CliModelLoader.ResolveDirectory(model, stateDirectory);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var loaded = CliModelLoader.Load(directory, kind, threads, maxSequenceLength);
        try
        {
            var engine = ExecutorFactory.Create(kind, loaded, engineOptions, CliModelLoader.StderrLogs);
            return new EngineSession(loaded, engine, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (ModelLoadException e)
        {
            loaded.Dispose();
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", $"cannot load the model: {e.Message}", e);
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
