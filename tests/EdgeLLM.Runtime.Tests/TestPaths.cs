namespace EdgeLLM.Runtime.Tests;

/// <summary>Where the committed models live, found from the test's directory upwards.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string DefaultModel => Path.Combine(RepoRoot, "models-distilled", "iot-assist");

    /// <summary>The teacher in INT4, paired with <see cref="DefaultModel"/> as its speculative-decoding draft.</summary>
    public static string ProModel => Path.Combine(RepoRoot, "models-distilled", "iot-assist-pro");

    /// <summary>A tiny, briefly trained model on the same tokenizer: a draft that often disagrees with its target.</summary>
    public static string WeakDraftModel => Path.Combine(RepoRoot, "models-distilled", "variants", "iot-assist-weak-draft");

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
