using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Executors.GenAi;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;

namespace EdgeLLM.Runtime.Tests.Onnx;

public class OneOnnxRuntimePerProcessTests
{
    /// <summary>Files named libonnxruntime.so* (not GenAI's or a provider's) mapped into this process.</summary>
    private static string[] MappedOnnxRuntimes() =>
        File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && Path.GetFileName(f[5]).StartsWith("libonnxruntime.so", StringComparison.Ordinal))
            .Select(f => f[5])
            .Distinct()
            .ToArray();

    [Fact]
    public async Task Both_executors_and_the_managed_api_run_on_the_one_library_edgellm_chose()
    {
        // EdgeLLM's own executor (the managed API) and GenAI's engine in one process.
        using var own = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions { IntraOpThreads = 1 });
        using var forGenAi = LanguageModel.Load(TestPaths.DefaultModel,
            ExecutorFactory.LoadOptionsFor(ExecutorKind.GenAi, new ModelLoadOptions { IntraOpThreads = 1 }));
        await using var genai = GenAiExecutor.Started(forGenAi);
        var loaded = Assert.Single(MappedOnnxRuntimes());
        Assert.Equal(Path.GetFullPath(OrtLibrary.LibraryPath), Path.GetFullPath(loaded));
    }
}
