using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeLLM.Cli.Bench.Synthetic;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;
using EdgeLLM.Serving;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// <c>edgellm bench [--model] [--prompt-tokens N] [--gen-tokens N] [--runs N] [--rounds N] [--warmup N] [--json] [--compare-peer]
/// [--concurrency 1,2,4,8] [--arrivals N [--arrival-ms N]] [--schema FILE [--schema-tokenizer DIR]] [--synthetic NAME] [--roofline]</c>: load time, prefill and decode speed, time to
/// first token, peak RSS and the share of decode time outside the native run for one stream; aggregate and per-stream
/// speed and latency for N streams batched by one executor; first-token latency when requests arrive one after another
/// while a batch runs; optionally the same runs on the peers: transformers.js (single stream) and ONNX Runtime GenAI
/// (everything) and llama.cpp (single stream, on a <c>--synthetic</c> model's GGUF twin); peak RSS against weights and KV
/// cache, decode on the memory-bandwidth roofline; and with a schema, the time its token masks take per constrained
/// token and their share of the decode step. <c>--synthetic</c> benches a model with random weights at a real shape.
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
        var synthetic = new Option<string?>("--synthetic")
        {
            Description = $"Bench a model with random weights at a real model's shape, made on first use: {string.Join(", ", SyntheticModelCatalog.All.Select(s => s.Name))}",
        };
        var modelCache = new Option<string?>("--bench-model-cache") { Description = "Where --synthetic models are kept (default: ~/.cache/edgellm/bench-models)" };
        var roofline = new Option<bool>("--roofline") { Description = "Measure memory bandwidth (STREAM triad) and show decode's share of it (on with --synthetic)" };
        var llamaModules = new Option<string?>("--llamacpp-node-modules") { Description = $"node_modules with node-llama-cpp for the llama.cpp peer (default: <repo>/{LlamaCppPeer.DefaultNodeModules})" };
        var arrivalMs = new Option<int>("--arrival-ms") { Description = "With --arrivals: ms between arrivals (default: one single-stream request's time spread over them)" };
        var prefillChunk = new Option<int?>("--prefill-chunk") { Description = "Prompt tokens prefilled between decode steps while others decode; 0 prefills whole (default: the engine's)" };
        var draft = new Option<string?>("--draft") { Description = "Measure speculative decoding with this draft model (a directory sharing the model's tokenizer) against plain decoding" };
        var promptLookup = new Option<bool>("--prompt-lookup") { Description = "Measure speculative decoding with prompt-lookup drafts (no draft model) against plain decoding" };
        var rounds = new Option<int?>("--rounds")
        {
            Description = "Interleaved rounds: every runtime measured once per round, in turn (default: 3 with --compare-peer, else 1); figures are medians over rounds with their spread",
        };
        var draftTokens = new Option<int?>("--draft-tokens") { Description = "With --draft or --prompt-lookup: most tokens drafted per step (default: 12 for models up to 64 MiB, else 4, as the service)" };
        var command = new Command("bench", "Measure speed and memory of a model on this device.")
        {
            model, promptTokens, genTokens, runs, rounds, warmup, json, comparePeer, peerModules, node, concurrency, arrivals, arrivalMs, prefillChunk, threads, schema, schemaTokenizer,
            synthetic, modelCache, roofline, llamaModules, draft, promptLookup, draftTokens,
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
                    Rounds = parse.GetValue(rounds) ?? (parse.GetValue(comparePeer) ? 3 : 1),
                    PeerNodeModules = parse.GetValue(peerModules),
                    Node = parse.GetValue(node) ?? "node",
                    Schema = SchemaOption.Load(parse.GetValue(schema)),
                    SchemaTokenizer = parse.GetValue(schemaTokenizer),
                    Synthetic = parse.GetValue(synthetic),
                    BenchModelCache = parse.GetValue(modelCache),
                    Roofline = parse.GetValue(roofline) || parse.GetValue(synthetic) is not null,
                    ArrivalMs = parse.GetValue(arrivalMs),
                    PrefillChunkTokens = parse.GetValue(prefillChunk),
                    LlamaCppNodeModules = parse.GetValue(llamaModules),
                };
                Validate(settings);
                if (parse.GetValue(draft) is not null || parse.GetValue(promptLookup))
                {
                    return await RunSpeculativeAsync(settings, parse.GetValue(draft), parse.GetValue(promptLookup), parse.GetValue(draftTokens), asJson, console, cancellationToken).ConfigureAwait(false);
                }
                var report = await RunAsync(settings, console.Error, cancellationToken).ConfigureAwait(false);
                if (asJson)
                {
                    await console.Output.WriteLineAsync(JsonSerializer.Serialize(report, BenchJson.Default.BenchReport)).ConfigureAwait(false);
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

    /// <summary><c>--draft</c> / <c>--prompt-lookup</c>: speculative against plain decoding, one stream (<see cref="SpeculativeBench"/>).</summary>
    private static async Task<int> RunSpeculativeAsync(BenchSettings settings, string? draft, bool promptLookup, int? draftTokens, bool asJson,
        InvocationConfiguration console, CancellationToken cancellationToken)
    {
        if (draftTokens is < 1 or > 32)
        {
            throw CliException.BadRequest("--draft-tokens must be 1 to 32");
        }
        var spec = settings.Synthetic is { } name
            ? SyntheticModelCatalog.Find(name) ?? throw CliException.BadRequest($"--synthetic knows {string.Join(", ", SyntheticModelCatalog.All.Select(s => s.Name))}; not '{name}'")
            : null;
        var directory = spec is null ? CliModelLoader.ResolveDirectory(settings.Model)
            : await SyntheticModelBuilder.EnsureAsync(spec, settings.BenchModelCache, console.Error, cancellationToken).ConfigureAwait(false);
        var cap = draftTokens ?? SpeculativeOptions.DefaultMaxDraftTokens(ModelDirectory.WeightsBytes(directory));
        var result = await SpeculativeBench.RunAsync(directory, draft, promptLookup, cap, settings, console.Error, cancellationToken).ConfigureAwait(false);
        if (asJson)
        {
            await console.Output.WriteLineAsync(JsonSerializer.Serialize(result, BenchJson.Default.SpeculativeResult)).ConfigureAwait(false);
        }
        else
        {
            SpeculativeBench.Write(CliConsole.For(console.Output), result);
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Opens the model, then measures every runtime in interleaved rounds (<see cref="InterleavedBench"/>): EdgeLLM's
    /// executor, then with <c>--compare-peer</c> ONNX Runtime GenAI, transformers.js and llama.cpp, then again. EdgeLLM's
    /// peak memory is read after its first round, before any peer has loaded. Arrivals, the roofline and a schema's
    /// masks are measured once, after the rounds.
    /// </summary>
    private static async Task<BenchReport> RunAsync(BenchSettings settings, TextWriter progress, CancellationToken cancellationToken)
    {
        var batch = Math.Max(1, Math.Max(settings.Arrivals, settings.Concurrency.Count == 0 ? 1 : settings.Concurrency.Max()));
        var engineOptions = new EngineOptions
        {
            MaxBatchSize = batch, PrefixCacheBytes = 0, MaxQueuedRequests = Math.Max(64, batch),
            PrefillChunkTokens = settings.PrefillChunkTokens ?? EngineOptions.DefaultPrefillChunkTokens,
        };
        var spec = settings.Synthetic is { } name
            ? SyntheticModelCatalog.Find(name) ?? throw CliException.BadRequest($"--synthetic knows {string.Join(", ", SyntheticModelCatalog.All.Select(s => s.Name))}; not '{name}'")
            : null;
        var modelPath = spec is null ? settings.Model : await SyntheticModelBuilder.EnsureAsync(spec, settings.BenchModelCache, progress, cancellationToken).ConfigureAwait(false);
        // Every sequence gets the positions the bench needs and no more: the KV cache is preallocated for exactly that.
        var maxSequenceLength = settings.PromptTokens + settings.GenTokens;
        await using var session = EngineSession.Open(modelPath, engineOptions, settings.Threads, maxSequenceLength: maxSequenceLength);
        // Loading has its own peak (a weight's file pages beside its prepacked copy): read it, then measure the runs' apart.
        var loadPeak = ProcessMemory.PeakResidentBytes();
        var peakReset = ProcessMemory.ResetPeak();
        var prompt = BenchPrompt.Build(session.Model, settings.PromptTokens);
        if (prompt.Ids.Length + settings.GenTokens > session.Model.MaxSequenceLength)
        {
            throw CliException.BadRequest($"--prompt-tokens {prompt.Ids.Length} + --gen-tokens {settings.GenTokens} exceed the model's {session.Model.MaxSequenceLength} positions");
        }
        var bench = new EngineBench(session, prompt, settings);
        var randomWeights = spec is null ? "" : " (random weights)";
        await progress.WriteLineAsync($"bench: {session.Model.Identity.Id}{randomWeights} on {bench.Runtime}").ConfigureAwait(false);
        var plan = new BenchPlan(modelPath, engineOptions, maxSequenceLength, prompt, settings.Concurrency, TimeSpan.Zero);
        var levels = plan.Levels(session).ToList();
        foreach (var skipped in settings.Concurrency.Except(levels))
        {
            await progress.WriteLineAsync($"bench: {skipped} streams skipped: this model decodes at most {session.Engine.GetStats().BatchCapacity} at once (growing KV cache)").ConfigureAwait(false);
        }

        MemoryResult? memory = null;
        var own = new InterleavedBench.EngineParticipant(bench, levels, progress, afterRound: round =>
        {
            if (round == 1)
            {
                memory = new MemoryResult(loadPeak, ProcessMemory.PeakResidentBytes(), peakReset, ModelDirectory.WeightsBytes(session.Model.Directory), session.Engine.GetStats().KvCacheBytes, session.Footprint,
                    ResidentHugePages.AnonHugePagesBytes());
            }
        });
        var participants = new List<InterleavedBench.Participant> { own };
        await using var genai = settings.ComparePeer && session.Engine.Kind != ExecutorKind.GenAi ? new InterleavedBench.GenAiParticipant(settings, plan, progress) : null;
        InterleavedBench.NodeParticipant? transformersJs = null;
        InterleavedBench.NodeParticipant? llamaCpp = null;
        if (settings.ComparePeer)
        {
            if (genai is not null)
            {
                participants.Add(genai);
            }
            transformersJs = new InterleavedBench.NodeParticipant("transformers.js", progress,
                ct => PeerBench.RunAsync(session.Model.Directory, prompt, settings, bench.LastTokenIds, ct));
            llamaCpp = new InterleavedBench.NodeParticipant("llama.cpp", progress,
                ct => RunLlamaCppAsync(spec, session.Model.Directory, prompt, settings, bench.LastTokenIds, ct));
            participants.Add(transformersJs);
            participants.Add(llamaCpp);
        }
        var interleaved = await InterleavedBench.RunAsync(participants, settings.Rounds, progress, cancellationToken).ConfigureAwait(false);
        var single = InterleavedResult.Fold(own.Singles);

        // Arrivals spread over one single-stream request: each comes while the earlier ones still decode.
        var interval = TimeSpan.FromMilliseconds(settings.ArrivalMs > 0 ? settings.ArrivalMs : single.TotalMs / Math.Max(1, settings.Arrivals));
        plan = plan with { ArrivalInterval = interval };
        ArrivalResult? arrivals = null;
        if (settings.Arrivals > 0)
        {
            await progress.WriteLineAsync($"bench: {settings.Arrivals} staggered arrivals...").ConfigureAwait(false);
            arrivals = await bench.ArrivalsAsync(settings.Arrivals, plan.ArrivalInterval, cancellationToken).ConfigureAwait(false);
        }
        var genaiResult = genai is null ? null : await genai.ResultAsync(bench.LastTokenIds, plan.ArrivalInterval, cancellationToken).ConfigureAwait(false);
        RooflineResult? roofline = null;
        if (settings.Roofline)
        {
            await progress.WriteLineAsync("bench: memory bandwidth (STREAM triad)...").ConfigureAwait(false);
            var triad = MemoryBandwidth.MeasureTriad(settings.Threads);
            var perToken = spec?.DecodeWeightBytes ?? ModelDirectory.WeightsBytes(session.Model.Directory);
            roofline = new RooflineResult(triad, perToken, perToken * single.DecodeTokensPerSecond);
        }
        ConstrainedResult? constrained = null;
        if (settings.Schema is { } schema)
        {
            await progress.WriteLineAsync($"bench: under the schema {schema.Name}...").ConfigureAwait(false);
            constrained = await ConstrainedBench.RunAsync(session, prompt, settings, schema, settings.SchemaTokenizer, cancellationToken).ConfigureAwait(false);
        }
        return new BenchReport(session.Model.Identity.Id, session.Model.Directory, session.Choice.Provider, settings.Threads, single,
            InterleavedResult.Fold(own.Levels), transformersJs?.Result)
        {
            Arrivals = arrivals,
            Constrained = constrained,
            RandomWeights = spec is not null,
            Memory = memory,
            Roofline = roofline,
            LlamaCpp = llamaCpp?.Result,
            GenAi = genaiResult,
            Interleaved = interleaved,
            SelectsLogitsPositions = session.Model.SelectsLogitsPositions,
            PrepackedWeights = session.Model.PrepackedWeights,
        };
    }

    /// <summary>llama.cpp runs the bench model's GGUF twin, so only <c>--synthetic</c> models have one.</summary>
    private static async Task<PeerComparison> RunLlamaCppAsync(SyntheticModelSpec? spec, string modelDirectory, BenchPrompt prompt, BenchSettings settings,
        IReadOnlyList<int> edgeTokens, CancellationToken cancellationToken)
    {
        if (spec is null)
        {
            return PeerComparison.Failed("llama.cpp runs only on --synthetic bench models (they have a GGUF twin of the same shape)");
        }
        var gguf = await Gguf.SyntheticGguf.EnsureAsync(spec, modelDirectory, cancellationToken).ConfigureAwait(false);
        return await LlamaCppPeer.RunAsync(gguf, prompt, settings, edgeTokens, cancellationToken).ConfigureAwait(false);
    }

    private static void Validate(BenchSettings s)
    {
        if (s.PromptTokens < 1 || s.GenTokens < 2 || s.Runs < 1 || s.Warmup < 0 || s.Threads < 0 || s.Arrivals is < 0 or > 64 || s.ArrivalMs < 0 || s.PrefillChunkTokens < 0
            || s.Rounds is < 1 or > 20)
        {
            throw CliException.BadRequest("--prompt-tokens must be 1 or more, --gen-tokens 2 or more, --runs 1 or more, --rounds 1 to 20, --warmup, --threads, --arrival-ms and --prefill-chunk 0 or more, --arrivals 0 to 64");
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
