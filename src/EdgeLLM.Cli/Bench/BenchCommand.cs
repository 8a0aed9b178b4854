using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeLLM.Cli.Bench.Synthetic;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// <c>edgellm bench [--model] [--prompt-tokens N] [--gen-tokens N] [--runs N] [--warmup N] [--json] [--compare-peer]
/// [--concurrency 1,2,4,8]</c>: load time, prefill and decode speed, time to first token, peak RSS and the share of
/// decode time outside ONNX Runtime's Run for one stream; aggregate and per-stream speed and latency for N streams
/// batched by one engine; and optionally the same single-stream run in transformers.js.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Prompt length in tokens", DefaultValueFactory = _ => 64 };
        var genTokens = new Option<int>("--gen-tokens") { Description = "Tokens generated per request (end-of-sequence is ignored)", DefaultValueFactory = _ => 128 };
        var runs = new Option<int>("--runs") { Description = "Measured runs (medians are reported)", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured runs first", DefaultValueFactory = _ => 1 };
        var json = CommonOptions.Json("Print the report as JSON");
        var comparePeer = new Option<bool>("--compare-peer") { Description = "Also run transformers.js (node) on the same model and prompt, and print the ratios" };
        var peerModules = new Option<string?>("--peer-node-modules") { Description = $"node_modules with @huggingface/transformers (default: <repo>/{PeerBench.DefaultNodeModules})" };
        var node = new Option<string>("--node") { Description = "The node executable", DefaultValueFactory = _ => "node" };
        var concurrency = new Option<string?>("--concurrency") { Description = "Concurrent stream counts to measure, e.g. 1,2,4,8" };
        var threads = CommonOptions.Threads();
        var synthetic = new Option<string?>("--synthetic")
        {
            Description = $"Bench a model with random weights at a real model's shape, made on first use: {string.Join(", ", SyntheticModelCatalog.All.Select(s => s.Name))}",
        };
        var modelCache = new Option<string?>("--bench-model-cache") { Description = "Where --synthetic models are kept (default: ~/.cache/edgellm/bench-models)" };
        var roofline = new Option<bool>("--roofline") { Description = "Measure memory bandwidth (STREAM triad) and show decode's share of it (on with --synthetic)" };
        var llamaModules = new Option<string?>("--llamacpp-node-modules") { Description = $"node_modules with node-llama-cpp for the llama.cpp peer (default: <repo>/{LlamaCppPeer.DefaultNodeModules})" };
        var stagger = new Option<int>("--stagger-ms") { Description = "Concurrent streams arrive this many ms apart instead of all at once" };
        var command = new Command("bench", "Measure speed and memory of a model on this device.")
        {
            model, promptTokens, genTokens, runs, warmup, json, comparePeer, peerModules, node, concurrency, threads, synthetic, modelCache, roofline, stagger, llamaModules,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var asJson = parse.GetValue(json);
            try
            {
                var settings = new BenchSettings
                {
                    Model = parse.GetValue(model),
                    PromptTokens = parse.GetValue(promptTokens),
                    GenTokens = parse.GetValue(genTokens),
                    Runs = parse.GetValue(runs),
                    Warmup = parse.GetValue(warmup),
                    Threads = parse.GetValue(threads),
                    Concurrency = ParseLevels(parse.GetValue(concurrency)),
                    ComparePeer = parse.GetValue(comparePeer),
                    PeerNodeModules = parse.GetValue(peerModules),
                    Node = parse.GetValue(node) ?? "node",
                    Synthetic = parse.GetValue(synthetic),
                    BenchModelCache = parse.GetValue(modelCache),
                    Roofline = parse.GetValue(roofline) || parse.GetValue(synthetic) is not null,
                    StaggerMs = parse.GetValue(stagger),
                    LlamaCppNodeModules = parse.GetValue(llamaModules),
                };
                Validate(settings);
                var report = await RunAsync(settings, console.Error, cancellationToken).ConfigureAwait(false);
                if (asJson)
                {
                    await console.Output.WriteLineAsync(JsonSerializer.Serialize(report, BenchJson.Options)).ConfigureAwait(false);
                }
                else
                {
                    BenchTable.Write(CliConsole.For(console.Output), report);
                }
                return ExitCodes.Ok;
            }
            catch (CliException e)
            {
                return await CliErrorWriter.WriteAsync(console, asJson, null, e).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await console.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
        });
        return command;
    }

    private static async Task<BenchReport> RunAsync(BenchSettings settings, TextWriter progress, CancellationToken cancellationToken)
    {
        var batch = Math.Max(1, settings.Concurrency.Count == 0 ? 1 : settings.Concurrency.Max());
        var spec = settings.Synthetic is { } name
            ? SyntheticModelCatalog.Find(name) ?? throw CliException.BadRequest($"--synthetic knows {string.Join(", ", SyntheticModelCatalog.All.Select(s => s.Name))}; not '{name}'")
            : null;
        var modelPath = spec is null ? settings.Model : await SyntheticModelBuilder.EnsureAsync(spec, settings.BenchModelCache, progress, cancellationToken).ConfigureAwait(false);
        // Every sequence gets the positions the bench needs and no more: the KV cache is preallocated for exactly that.
        await using var session = EngineSession.Open(modelPath, new EngineOptions { MaxBatchSize = batch, PrefixCacheBytes = 0, MaxQueuedRequests = Math.Max(64, batch) },
            settings.Threads, maxSequenceLength: settings.PromptTokens + settings.GenTokens);
        var prompt = BenchPrompt.Build(session.Model, settings.PromptTokens);
        if (prompt.Ids.Length + settings.GenTokens > session.Model.MaxSequenceLength)
        {
            throw CliException.BadRequest($"--prompt-tokens {prompt.Ids.Length} + --gen-tokens {settings.GenTokens} exceed the model's {session.Model.MaxSequenceLength} positions");
        }
        var bench = new EngineBench(session, prompt, settings);
        var randomWeights = spec is null ? "" : " (random weights)";
        await progress.WriteLineAsync($"bench: {session.Model.Identity.Id}{randomWeights}, single stream...").ConfigureAwait(false);
        var single = await bench.SingleStreamAsync(cancellationToken).ConfigureAwait(false);
        var levels = new List<ConcurrencyLevelResult>();
        foreach (var level in settings.Concurrency)
        {
            if (level > session.Engine.GetStats().BatchCapacity)
            {
                await progress.WriteLineAsync($"bench: {level} streams skipped: this model decodes at most {session.Engine.GetStats().BatchCapacity} at once (growing KV cache)").ConfigureAwait(false);
                continue;
            }
            await progress.WriteLineAsync($"bench: {level} concurrent streams...").ConfigureAwait(false);
            levels.Add(await bench.ConcurrentAsync(level, cancellationToken).ConfigureAwait(false));
        }
        var memory = new MemoryResult(EdgeLLM.Service.Metrics.ProcessMemory.PeakResidentBytes(), ModelFileBytes(session.Model.Directory), session.Engine.GetStats().KvCacheBytes);
        RooflineResult? roofline = null;
        if (settings.Roofline)
        {
            await progress.WriteLineAsync("bench: memory bandwidth (STREAM triad)...").ConfigureAwait(false);
            var triad = MemoryBandwidth.MeasureTriad(settings.Threads);
            var perToken = spec?.DecodeWeightBytes ?? memory.WeightBytes;
            roofline = new RooflineResult(triad, perToken, perToken * single.DecodeTokensPerSecond);
        }
        PeerComparison? peer = null;
        PeerComparison? llamaCpp = null;
        if (settings.ComparePeer)
        {
            await progress.WriteLineAsync("bench: transformers.js...").ConfigureAwait(false);
            peer = await PeerBench.RunAsync(session.Model.Directory, prompt, settings, bench.LastTokenIds, cancellationToken).ConfigureAwait(false);
            if (peer.Error is { } error)
            {
                await progress.WriteLineAsync($"bench: transformers.js did not run: {error}").ConfigureAwait(false);
            }
            llamaCpp = await RunLlamaCppAsync(spec, session.Model.Directory, prompt, settings, bench.LastTokenIds, progress, cancellationToken).ConfigureAwait(false);
        }
        return new BenchReport(session.Model.Identity.Id, session.Model.Directory, session.Model.ExecutionProvider, settings.Threads, single, levels, peer)
        {
            RandomWeights = spec is not null,
            StaggerMs = settings.StaggerMs,
            Memory = memory,
            Roofline = roofline,
            LlamaCpp = llamaCpp,
        };
    }

    /// <summary>llama.cpp runs the bench model's GGUF twin, so only <c>--synthetic</c> models have one.</summary>
    private static async Task<PeerComparison> RunLlamaCppAsync(SyntheticModelSpec? spec, string modelDirectory, BenchPrompt prompt, BenchSettings settings,
        IReadOnlyList<int> edgeTokens, TextWriter progress, CancellationToken cancellationToken)
    {
        if (spec is null)
        {
            return PeerComparison.Failed("llama.cpp runs only on --synthetic bench models (they have a GGUF twin of the same shape)");
        }
        await progress.WriteLineAsync("bench: llama.cpp (GGUF Q4_0 twin, random weights)...").ConfigureAwait(false);
        var gguf = await Gguf.SyntheticGguf.EnsureAsync(spec, modelDirectory, cancellationToken).ConfigureAwait(false);
        var result = await LlamaCppPeer.RunAsync(gguf, prompt, settings, edgeTokens, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            await progress.WriteLineAsync($"bench: llama.cpp did not run: {error}").ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>The ONNX graph and its external data files: what the weights take on disk.</summary>
    private static long ModelFileBytes(string directory)
    {
        var total = 0L;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles())
        {
            if (file.Name.EndsWith(".onnx", StringComparison.Ordinal) || file.Name.EndsWith(".onnx.data", StringComparison.Ordinal) || file.Name.EndsWith(".onnx_data", StringComparison.Ordinal))
            {
                total += file.Length;
            }
        }
        return total;
    }

    private static void Validate(BenchSettings s)
    {
        if (s.PromptTokens < 1 || s.GenTokens < 2 || s.Runs < 1 || s.Warmup < 0 || s.Threads < 0 || s.StaggerMs < 0)
        {
            throw CliException.BadRequest("--prompt-tokens must be 1 or more, --gen-tokens 2 or more, --runs 1 or more, --warmup, --threads and --stagger-ms 0 or more");
        }
        if (s.Synthetic is not null && s.Model is not null)
        {
            throw CliException.BadRequest("--synthetic and --model name two different models; give one");
        }
    }

    private static IReadOnlyList<int> ParseLevels(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 64)
            {
                throw CliException.BadRequest($"--concurrency takes stream counts from 1 to 64 separated by commas, e.g. 1,2,4,8; '{part}' is not one");
            }
            levels.Add(n);
        }
        return levels.Distinct().Order().ToList();
    }
}
