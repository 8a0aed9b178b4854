using System.Text.Json.Nodes;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>
/// The device serves whichever executor can: a plan for GenAI whose model GenAI cannot open at all is served by
/// EdgeLLM's executor, and the choice says why; providers GenAI cannot load fall back down to CPU.
/// </summary>
public sealed class ModelLoaderFallbackTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgellm-fallback-").FullName;

    public ModelLoaderFallbackTests()
    {
        foreach (var file in Directory.EnumerateFiles(DefaultModelSmoke.Directory))
        {
            File.Copy(file, Path.Combine(_directory, Path.GetFileName(file)));
        }
    }

    [Fact]
    public async Task A_model_genai_cannot_open_is_served_by_the_edgellm_executor_with_genais_reason()
    {
        // GenAI refuses a model type it has no implementation of; EdgeLLM's loop reads the graph, not the type name.
        var config = Path.Combine(_directory, "genai_config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["model"]!["type"] = "edgellm-only";
        File.WriteAllText(config, json.ToJsonString());

        await using var loaded = new ModelLoader(new ServingPlan { Executor = ExecutorKind.GenAi, Threads = 1 }, NullLoggerFactory.Instance).Load(_directory);

        Assert.Equal(ExecutorKind.EdgeLLM, loaded.Engine.Kind);
        Assert.Equal(ExecutorKind.GenAi, loaded.Choice.Requested);
        Assert.Contains("edgellm-only", loaded.Choice.FallbackReason, StringComparison.Ordinal);
        var answer = await loaded.Engine.GenerateAsync(new GenerationRequest { Id = "a", Messages = [new PromptMessage("user", "turn on the kitchen lights at 7pm")], Temperature = 0 });
        Assert.Equal(FinishReason.Stop, answer.FinishReason);
        Assert.StartsWith("{", answer.Text, StringComparison.Ordinal);
    }

    // The NuGet GenAI package ships no CUDA library (libonnxruntime-genai-cuda.so) for these builds: CUDA cannot load.
    [Fact]
    public async Task Providers_genai_cannot_load_fall_back_to_cpu_and_the_choice_lists_each_reason()
    {
        var plan = new ServingPlan
        {
            Executor = ExecutorKind.GenAi,
            Threads = 1,
            Providers = [new ProviderOptions("CUDA", new Dictionary<string, string>()), new ProviderOptions("CPU", new Dictionary<string, string>())],
        };

        await using var loaded = new ModelLoader(plan, NullLoggerFactory.Instance).Load(_directory);

        Assert.Equal(ExecutorKind.GenAi, loaded.Engine.Kind);
        Assert.Null(loaded.Choice.FallbackReason);
        Assert.Equal("CPUExecutionProvider", loaded.ExecutionProvider);
        var cuda = Assert.Single(loaded.Choice.ProviderAttempts, a => !a.Chosen);
        Assert.Equal("CUDAExecutionProvider", cuda.Provider);
        Assert.False(string.IsNullOrEmpty(cuda.Reason));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
