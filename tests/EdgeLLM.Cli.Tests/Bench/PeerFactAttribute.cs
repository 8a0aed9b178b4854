using System.Diagnostics;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Bench;

/// <summary>A fact that is skipped, saying why, when node or @huggingface/transformers (the peer runtime) is absent.</summary>
public sealed class PeerFactAttribute : FactAttribute
{
    private static readonly string? Missing = FindMissing();

    public PeerFactAttribute()
    {
        if (Missing is not null)
        {
            Skip = Missing;
        }
    }

    private static string? FindMissing()
    {
        var modules = Path.Combine(Repo.Root, "tests", "EdgeLLM.Tokenizers.Tests", "Conformance", "node_modules", "@huggingface", "transformers");
        if (!Directory.Exists(modules))
        {
            return $"transformers.js is not installed ({modules} is missing; run npm install --ignore-scripts in tests/EdgeLLM.Tokenizers.Tests/Conformance)";
        }
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            node.WaitForExit(10_000);
            return node.ExitCode == 0 ? null : "node --version failed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "node is not installed";
        }
    }
}
