using System.Text.Json.Nodes;
using System.Text.Json;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// Runs llama.cpp (node-llama-cpp 3.21.1's prebuilt CPU build) through <c>Peer/llamacpp-bench.mjs</c> on the bench
/// model's GGUF twin (same shape, random Q4_0 weights, same vocabulary), with the same prompt ids, generated length and
/// threads. Every way it can fail becomes a <see cref="PeerComparison"/> error naming the cause, never an exception.
/// </summary>
internal static class LlamaCppPeer
{
    public const string ScriptName = "llamacpp-bench.mjs";

    /// <summary>node_modules holding node-llama-cpp, relative to the repository root (override: --llamacpp-node-modules).</summary>
    public const string DefaultNodeModules = "tests/bench/llamacpp-peer/node_modules";

    public static async Task<PeerComparison> RunAsync(string gguf, BenchPrompt prompt, BenchSettings settings, IReadOnlyList<int> edgeTokens, CancellationToken cancellationToken)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peer", ScriptName);
        if (!File.Exists(script))
        {
            return PeerComparison.Failed($"{script} is missing from the installation");
        }
        var nodeModules = settings.LlamaCppNodeModules ?? (PeerBench.RepoRoot() is { } root ? Path.Combine(root, DefaultNodeModules) : null);
        if (nodeModules is null || !Directory.Exists(Path.Combine(nodeModules, "node-llama-cpp")))
        {
            return PeerComparison.Failed($"node-llama-cpp not found in {nodeModules ?? "(no repository root found; pass --llamacpp-node-modules)"}: run tests/setup-test-assets.sh");
        }
        var arguments = new JsonObject
        {
            ["model"] = gguf,
            ["prompt_ids"] = new JsonArray([.. prompt.Ids.Select(id => JsonValue.Create(id))]),
            ["gen_tokens"] = settings.GenTokens,
            ["runs"] = Math.Max(1, settings.Runs),
            ["warmup"] = settings.Warmup,
            // ONNX Runtime's default is one thread per core; llama.cpp's is its own guess: give it the same number.
            ["threads"] = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount,
        }.ToJsonString();
        return await PeerBench.RunNodePeerAsync(settings.Node, script, arguments, nodeModules, "llama.cpp", TimeSpan.FromMinutes(10), edgeTokens, cancellationToken).ConfigureAwait(false);
    }
}
