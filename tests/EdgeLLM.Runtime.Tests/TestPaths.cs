namespace EdgeLLM.Runtime.Tests;

/// <summary>Where the committed models live, found from the test's directory upwards.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string DefaultModel => Path.Combine(RepoRoot, "models-distilled", "iot-assist");

    public static string Fp16KvModel => Path.Combine(RepoRoot, "models-distilled", "variants", "iot-assist-fp16kv");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeLLM.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"EdgeLLM.sln not found above {AppContext.BaseDirectory}");
    }
}
