using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Bench;

/// <summary>A fact that is skipped, saying why, when node-llama-cpp (the llama.cpp peer, installed by tests/setup-test-assets.sh) is absent.</summary>
public sealed class LlamaCppFactAttribute : FactAttribute
{
    public LlamaCppFactAttribute()
    {
        var modules = Path.Combine(Repo.Root, "tests", "bench", "llamacpp-peer", "node_modules", "node-llama-cpp");
        if (!Directory.Exists(modules))
        {
            Skip = $"node-llama-cpp is not installed ({modules} is missing; run tests/setup-test-assets.sh)";
        }
    }
}
