using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Serving.Configuration;
using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Cli.Common;

/// <summary>A loaded model and the engine serving it, disposed together (engine first), for one CLI command.</summary>
internal sealed class EngineSession : IAsyncDisposable
{
    private readonly LoadedModel _loaded;

    private EngineSession(LoadedModel loaded, TimeSpan loadTime)
    {
        _loaded = loaded;
        LoadTime = loadTime;
    }

    public LanguageModel Model => _loaded.Model;

    public IInferenceExecutor Engine => _loaded.Engine;

    /// <summary>Which executor and provider serve, and why.</summary>
    public ExecutorChoice Choice => _loaded.Choice;

    /// <summary>How long opening the model took (files, tokenizer, ONNX Runtime or GenAI sessions).</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>What the model costs this process, measured at load, with the KV cache's resident part measured now.</summary>
    public ModelFootprint Footprint => _loaded.CurrentFootprint();

    /// <summary>Finds a model and loads it under the serving plan the service would use (<see cref="CliModelLoader.Plan"/>:
    /// providers, threads, ONNX Runtime library, executor), with <paramref name="executor"/>, <paramref name="threads"/>
    /// and a positive <paramref name="maxSequenceLength"/> over it; exit code 3 when it cannot be loaded. The memory and
    /// KV budgets are the service's, for the process that serves: a command runs one request in a process of its own
    /// (or inside a test host), and benchmarks size their models on purpose, so none is applied here.</summary>
    public static EngineSession Open(string? model, EngineOptions engineOptions, int threads = 0, string? stateDirectory = null,
        ExecutorKind? executor = null, int maxSequenceLength = 0, EdgeLLMOptions? settings = null)
    {
        var plan = CliModelLoader.Plan(executor, threads, maxSequenceLength, settings) with { MemoryBudgetBytes = 0, KvBudgetBytes = 0 };
        var directory = CliModelLoader.ResolveDirectory(model, stateDirectory);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var loaded = new ModelLoader(plan, CliModelLoader.StderrLogs).Load(directory, engineOptions);
            return new EngineSession(loaded, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (ModelLoadException e)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", $"cannot load the model: {e.Message}", e);
        }
    }

    /// <summary>Loads the configured model exactly as <c>edgellm serve</c> would (<c>doctor</c>): the serving plan with its
    /// memory and KV budgets, the batch sized from them; exit code 3 when it cannot be loaded or does not fit.</summary>
    public static EngineSession OpenAsServed(EdgeLLMOptions settings)
    {
        var plan = CliModelLoader.Plan(settings: settings);
        var directory = CliModelLoader.ResolveDirectory(settings.Model, settings.StateDir);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var loaded = new ModelLoader(plan, CliModelLoader.StderrLogs).Load(directory);
            return new EngineSession(loaded, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (ModelLoadException e)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", $"cannot load the model: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync() => _loaded.DisposeAsync();
}
