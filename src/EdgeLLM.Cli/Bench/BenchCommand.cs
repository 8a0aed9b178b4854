using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// <c>edgellm bench [--model] [--prompt-tokens N] [--gen-tokens N] [--runs N] [--warmup N] [--json] [--compare-peer]
/// [--concurrency 1,2,4,8] [--arrivals N] [--schema FILE [--schema-tokenizer DIR]]</c>: load time, prefill and decode speed, time to
/// first token, peak RSS and the share of decode time outside the native run for one stream; aggregate and per-stream
/// speed and latency for N streams batched by one executor; first-token latency when requests arrive one after another
/// while a batch runs; optionally the same runs on the peers: transformers.js (single stream) and ONNX Runtime GenAI
/// (everything); and with a schema, the time its token masks take per constrained token and their share of the decode step.
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
        var comparePeer = new Option<bool>("--compare-peer") { Description = "Also run transformers.js (node) and ONNX Runtime GenAI on the same model and prompt ids, and print the ratios" };
        var arrivals = new Option<int>("--arrivals") { Description = "Requests arriving one after another while a batch runs; reports first-token latency p50/p95 per executor", DefaultValueFactory = _ => 0 };
        var peerModules = new Option<string?>("--peer-node-modules") { Description = $"node_modules with @huggingface/transformers (default: <repo>/{PeerBench.DefaultNodeModules})" };
        var node = new Option<string>("--node") { Description = "The node executable", DefaultValueFactory = _ => "node" };
        var concurrency = new Option<string?>("--concurrency") { Description = "Concurrent stream counts to measure, e.g. 1,2,4,8" };
        var threads = CommonOptions.Threads();
        var schema = SchemaOption.Create();
        var schemaTokenizer = new Option<string?>("--schema-tokenizer") { Description = "With --schema: also time masks over this tokenizer's vocabulary (a directory with tokenizer.json), with random logits" };
        var command = new Command("bench", "Measure speed and memory of a model on this device.")
        {
            model, promptTokens, genTokens, runs, warmup, json, comparePeer, peerModules, node, concurrency, arrivals, threads, schema, schemaTokenizer,
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
                    Arrivals = parse.GetValue(arrivals),
                    ComparePeer = parse.GetValue(comparePeer),
                    PeerNodeModules = parse.GetValue(peerModules),
                    Node = parse.GetValue(node) ?? "node",
                    Schema = SchemaOption.Load(parse.GetValue(schema)),
                    SchemaTokenizer = parse.GetValue(schemaTokenizer),
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
        var (report, plan, mainTokens, kind) = await RunMainAsync(settings, progress, cancellationToken).ConfigureAwait(false);
        if (!settings.ComparePeer || kind == ExecutorKind.GenAi)
        {
            return report;
        }
        // The main session is gone before GenAI loads, so the two never compete for cores or memory.
        var genai = await GenAiPeerBench.RunAsync(settings, plan, mainTokens, progress, cancellationToken).ConfigureAwait(false);
        if (genai.Error is { } error)
        {
            await progress.WriteLineAsync($"bench: ONNX Runtime GenAI did not run: {error}").ConfigureAwait(false);
        }
        return report with { GenAi = genai };
    }

    /// <summary>The configured executor's runs, and transformers.js beside them.</summary>
    private static async Task<(BenchReport Report, BenchPlan Plan, IReadOnlyList<int> Tokens, ExecutorKind Kind)> RunMainAsync(
        BenchSettings settings, TextWriter progress, CancellationToken cancellationToken)
    {
        var batch = Math.Max(1, Math.Max(settings.Arrivals, settings.Concurrency.Count == 0 ? 1 : settings.Concurrency.Max()));
        var engineOptions = new EngineOptions { MaxBatchSize = batch, PrefixCacheBytes = 0, MaxQueuedRequests = Math.Max(64, batch) };
        await using var session = EngineSession.Open(settings.Model, engineOptions, settings.Threads);
        var prompt = BenchPrompt.Build(session.Model, settings.PromptTokens);
        if (prompt.Ids.Length + settings.GenTokens > session.Model.MaxSequenceLength)
        {
            throw CliException.BadRequest($"--prompt-tokens {prompt.Ids.Length} + --gen-tokens {settings.GenTokens} exceed the model's {session.Model.MaxSequenceLength} positions");
        }
        var bench = new EngineBench(session, prompt, settings);
        await progress.WriteLineAsync($"bench: {session.Model.Identity.Id} on {bench.Runtime}, single stream...").ConfigureAwait(false);
        var single = await bench.SingleStreamAsync(cancellationToken).ConfigureAwait(false);
        // Arrivals spread over one single-stream request: each comes while the earlier ones still decode.
        var plan = new BenchPlan(engineOptions, prompt, settings.Concurrency, TimeSpan.FromMilliseconds(single.TotalMs / Math.Max(1, settings.Arrivals)));
        var levels = new List<ConcurrencyLevelResult>();
        var possible = plan.Levels(session).ToList();
        foreach (var level in settings.Concurrency)
        {
            if (!possible.Contains(level))
            {
                await progress.WriteLineAsync($"bench: {level} streams skipped: this model decodes at most {session.Engine.GetStats().BatchCapacity} at once (growing KV cache)").ConfigureAwait(false);
                continue;
            }
            await progress.WriteLineAsync($"bench: {level} concurrent streams...").ConfigureAwait(false);
            levels.Add(await bench.ConcurrentAsync(level, cancellationToken).ConfigureAwait(false));
        }
        ArrivalResult? arrivals = null;
        if (settings.Arrivals > 0)
        {
            await progress.WriteLineAsync($"bench: {settings.Arrivals} staggered arrivals...").ConfigureAwait(false);
            arrivals = await bench.ArrivalsAsync(settings.Arrivals, plan.ArrivalInterval, cancellationToken).ConfigureAwait(false);
        }
        PeerComparison? peer = null;
        if (settings.ComparePeer)
        {
            await progress.WriteLineAsync("bench: transformers.js...").ConfigureAwait(false);
            peer = await PeerBench.RunAsync(session.Model.Directory, prompt, settings, bench.LastTokenIds, cancellationToken).ConfigureAwait(false);
            if (peer.Error is { } error)
            {
                await progress.WriteLineAsync($"bench: transformers.js did not run: {error}").ConfigureAwait(false);
            }
        }
        ConstrainedResult? constrained = null;
        if (settings.Schema is { } schema)
        {
            await progress.WriteLineAsync($"bench: under the schema {schema.Name}...").ConfigureAwait(false);
            constrained = await ConstrainedBench.RunAsync(session, prompt, settings, schema, settings.SchemaTokenizer, cancellationToken).ConfigureAwait(false);
        }
        var report = new BenchReport(session.Model.Identity.Id, session.Model.Directory, session.Model.ExecutionProvider, settings.Threads, single, levels, peer)
        {
            Arrivals = arrivals,
            Constrained = constrained,
        };
        return (report, plan, bench.LastTokenIds, session.Engine.Kind);
    }

    private static void Validate(BenchSettings s)
    {
        if (s.PromptTokens < 1 || s.GenTokens < 2 || s.Runs < 1 || s.Warmup < 0 || s.Threads < 0 || s.Arrivals is < 0 or > 64)
        {
            throw CliException.BadRequest("--prompt-tokens must be 1 or more, --gen-tokens 2 or more, --runs 1 or more, --warmup and --threads 0 or more, --arrivals 0 to 64");
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
