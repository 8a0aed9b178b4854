using System.Text.Json.Nodes;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// Runs transformers.js (node, onnxruntime-node 1.30 from npm) on the same model files and prompt ids
/// through <c>Peer/transformersjs-bench.mjs</c>, greedy with a fixed completion length, and reads back its timings.
/// Every way it can fail becomes a <see cref="PeerComparison"/> error naming the cause, never an exception.
/// </summary>
internal static class PeerBench
{
    public const string ScriptName = "transformersjs-bench.mjs";

    /// <summary>The conformance tests' node_modules, relative to the repository root (override: --peer-node-modules).</summary>
    public const string DefaultNodeModules = "tests/EdgeLLM.Tokenizers.Tests/Conformance/node_modules";

    public static async Task<PeerComparison> RunAsync(string modelDirectory, BenchPrompt prompt, BenchSettings settings, IReadOnlyList<int> edgeTokens, CancellationToken cancellationToken)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peer", ScriptName);
        if (!File.Exists(script))
        {
            return PeerComparison.Failed($"{script} is missing from the installation");
        }
        var nodeModules = settings.PeerNodeModules ?? (RepoRoot() is { } root ? Path.Combine(root, DefaultNodeModules) : null);
        if (nodeModules is null || !Directory.Exists(Path.Combine(nodeModules, "@huggingface", "transformers")))
        {
            return PeerComparison.Failed($"@huggingface/transformers not found in {nodeModules ?? "(no repository root found; pass --peer-node-modules)"}: run 'npm install --ignore-scripts' in {Path.GetDirectoryName(DefaultNodeModules)}");
        }
        var arguments = new JsonObject
        {
            ["model"] = modelDirectory,
            ["prompt_ids"] = new JsonArray([.. prompt.Ids.Select(id => JsonValue.Create(id))]),
            ["gen_tokens"] = settings.GenTokens,
            ["runs"] = Math.Max(1, settings.Runs),
            ["warmup"] = settings.Warmup,
            ["threads"] = settings.Threads,
        }.ToJsonString();
        return await RunNodePeerAsync(settings.Node, script, arguments, nodeModules, "transformers.js", TimeSpan.FromMinutes(5), edgeTokens, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a node peer script with its JSON arguments and reads its one JSON line; a peer that cannot start, fails or
    /// outlives <paramref name="limit"/> becomes a failed comparison naming <paramref name="peer"/>.
    /// </summary>
    internal static async Task<PeerComparison> RunNodePeerAsync(string node, string script, string arguments, string nodeModules, string peer,
        TimeSpan limit, IReadOnlyList<int> edgeTokens, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(node, [script, arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PEER_NODE_MODULES"] = Path.GetFullPath(nodeModules);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            return PeerComparison.Failed($"cannot start '{node}' (is node installed?): {e.Message}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return PeerComparison.Failed(cancellationToken.IsCancellationRequested ? "cancelled" : $"{peer} did not finish within {limit.TotalMinutes:F0} minutes");
            }
            var output = await stdout.ConfigureAwait(false);
            var error = await stderr.ConfigureAwait(false);
            return process.ExitCode != 0
                ? PeerComparison.Failed($"{peer} exited with {process.ExitCode}: {LastLines(error)}")
                : Parse(output, edgeTokens);
        }
    }

    /// <summary>Reads a node peer script's JSON line (shared by every node peer: same schema).</summary>
    internal static PeerComparison Parse(string output, IReadOnlyList<int> edgeTokens)
    {
        try
        {
            using var doc = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            var r = doc.RootElement;
            var runs = r.GetProperty("runs").EnumerateArray().ToList();
            var promptTokens = r.GetProperty("prompt_tokens").GetInt32();
            double Median(Func<JsonElement, double> f) => Stats.Median(runs.Select(f));
            var generated = runs[0].GetProperty("generated").GetInt32();
            var peer = new SingleStreamResult
            {
                Runtime = r.GetProperty("runtime").GetString() ?? "transformers.js",
                LoadMs = r.GetProperty("load_ms").GetDouble(),
                PromptTokens = promptTokens,
                GeneratedTokens = generated,
                TtftMs = Median(x => x.GetProperty("ttft_ms").GetDouble()),
                PrefillTokensPerSecond = Median(x => promptTokens / (x.GetProperty("ttft_ms").GetDouble() / 1000)),
                DecodeTokensPerSecond = Median(x => (x.GetProperty("generated").GetInt32() - 1) / (x.GetProperty("decode_ms").GetDouble() / 1000)),
                TotalMs = Median(x => x.GetProperty("total_ms").GetDouble()),
                PeakRssBytes = null,
                OutsideOrtShare = null,
                StepOverheadShare = null,
            };
            var ids = runs[^1].GetProperty("output_ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
            return new PeerComparison(peer, null, Matching(ids, edgeTokens));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return PeerComparison.Failed($"cannot read the peer's output ({e.Message}): {LastLines(output)}");
        }
    }

    /// <summary>How many leading tokens two runs agree on.</summary>
    public static int Matching(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var n = 0;
        while (n < a.Count && n < b.Count && a[n] == b[n])
        {
            n++;
        }
        return n;
    }

    internal static string LastLines(string text)
    {
        var lines = text.Trim().Split('\n');
        return string.Join(" | ", lines[Math.Max(0, lines.Length - 3)..]);
    }

    internal static string? RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "EdgeLLM.sln")))
                {
                    return d.FullName;
                }
            }
        }
        return null;
    }
}
