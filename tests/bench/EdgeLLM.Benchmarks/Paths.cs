namespace EdgeLLM.Benchmarks;

/// <summary>Where the repository and the conformance tokenizers are, seen from the benchmark's output folder.</summary>
internal static class Paths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepoRoot => Root.Value;

    /// <summary>A folder holding tokenizer.json, or EdgeLLM's own model, or a family under .cache/tokenizers.</summary>
    public static string TokenizerDirectory(string name) =>
        Directory.Exists(name) ? name
        : name == "iot-assist" ? Path.Combine(RepoRoot, "models-distilled", "iot-assist")
        : Path.Combine(RepoRoot, ".cache", "tokenizers", name);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EdgeLLM.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("EdgeLLM.sln not found");
    }
}
