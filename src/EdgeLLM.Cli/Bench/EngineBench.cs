using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Serving;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// Times one executor (EdgeLLM's loop or ONNX Runtime GenAI's engine): one stream (prefill, first token, decode, time
/// outside the native run), N streams at once, and requests arriving one after another while a batch runs.
/// </summary>
internal sealed class EngineBench(EngineSession session, BenchPrompt prompt, BenchSettings settings)
{
    private int _sequence;

    /// <summary>Who runs the requests, as the report names it.</summary>
    public string Runtime => session.Engine.Kind == ExecutorKind.GenAi
        ? $"ONNX Runtime GenAI {EdgeLLM.Runtime.Executors.GenAi.GenAiExecutor.GenAiVersion}"
        : $"EdgeLLM {Commands.VersionAction.ProductVersion}";

    /// <summary>Greedy token ids of the last single-stream run (compared with the peer's).</summary>
    public IReadOnlyList<int> LastTokenIds { get; private set; } = [];

    /// <summary>One stream: <paramref name="warmup"/> unmeasured runs (default: the settings'), then the measured ones.</summary>
    public async Task<SingleStreamResult> SingleStreamAsync(CancellationToken cancellationToken, int? warmup = null)
    {
        for (var i = 0; i < (warmup ?? settings.Warmup); i++)
        {
            await RunOneAsync(cancellationToken).ConfigureAwait(false);
        }
        var runs = new List<(Usage Usage, double OutsideOrt, double StepOverhead)>();
        for (var i = 0; i < Math.Max(1, settings.Runs); i++)
        {
            var before = session.Engine.GetStats();
            var result = await RunOneAsync(cancellationToken).ConfigureAwait(false);
            var after = session.Engine.GetStats();
            var ort = (after.DecodeOrtRunTime - before.DecodeOrtRunTime).TotalMilliseconds;
            var steps = (after.DecodeStepTime - before.DecodeStepTime).TotalMilliseconds;
            var decodeWall = result.Usage.TotalMs - result.Usage.TimeToFirstTokenMs;
            runs.Add((result.Usage, decodeWall > 0 ? Math.Clamp(1 - ort / decodeWall, 0, 1) : 0, steps > 0 ? Math.Clamp(1 - ort / steps, 0, 1) : 0));
            LastTokenIds = result.TokenIds;
        }
        return new SingleStreamResult
        {
            Runtime = Runtime,
            LoadMs = session.LoadTime.TotalMilliseconds,
            PromptTokens = prompt.Ids.Length,
            GeneratedTokens = runs[0].Usage.CompletionTokens,
            TtftMs = Stats.Median(runs.Select(r => r.Usage.TimeToFirstTokenMs)),
            PrefillTokensPerSecond = Stats.Median(runs.Select(r => PrefillSpeed(r.Usage))),
            DecodeTokensPerSecond = Stats.Median(runs.Select(r => DecodeSpeed(r.Usage))),
            TotalMs = Stats.Median(runs.Select(r => r.Usage.TotalMs)),
            PeakRssBytes = ProcessMemory.PeakResidentBytes(),
            OutsideOrtShare = Stats.Median(runs.Select(r => r.OutsideOrt)),
            StepOverheadShare = Stats.Median(runs.Select(r => r.StepOverhead)),
        };
    }

    public async Task<ConcurrencyLevelResult> ConcurrentAsync(int streams, CancellationToken cancellationToken, int? warmup = null)
    {
        for (var i = 0; i < (warmup ?? settings.Warmup); i++)
        {
            await RoundAsync(streams, cancellationToken).ConfigureAwait(false);
        }
        var aggregate = new List<double>();
        var perStream = new List<double>();
        var latencies = new List<double>();
        var batchSum = 0.0;
        var stepMsSum = 0.0;
        var runs = Math.Max(1, settings.Runs);
        for (var i = 0; i < runs; i++)
        {
            var before = session.Engine.GetStats();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var results = await RoundAsync(streams, cancellationToken).ConfigureAwait(false);
            var wall = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            var after = session.Engine.GetStats();
            aggregate.Add(results.Sum(r => r.Usage.CompletionTokens) / wall);
            perStream.AddRange(results.Select(r => DecodeSpeed(r.Usage)));
            latencies.AddRange(results.Select(r => r.Usage.TotalMs));
            var steps = after.DecodeSteps - before.DecodeSteps;
            batchSum += steps == 0 ? 0 : (double)(after.CompletionTokens - before.CompletionTokens - streams) / steps;
            stepMsSum += steps == 0 ? 0 : (after.DecodeStepTime - before.DecodeStepTime).TotalMilliseconds / steps;
        }
        return new ConcurrencyLevelResult(streams, Stats.Median(aggregate), Stats.Median(perStream),
            Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95), batchSum / runs, stepMsSum / runs);
    }

    /// <summary>
    /// <paramref name="requests"/> requests arriving every <paramref name="interval"/>, so that each comes while the
    /// earlier ones decode: the time to first token shows whether a request joins the running batch (continuous) or
    /// waits for it to end (static).
    /// </summary>
    public async Task<ArrivalResult> ArrivalsAsync(int requests, TimeSpan interval, CancellationToken cancellationToken)
    {
        var tasks = new Task<(GenerationResult Result, TokenGaps.StreamTimes Times)>[requests];
        for (var i = 0; i < requests; i++)
        {
            if (i > 0)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
            tasks[i] = TimedAsync(cancellationToken);
        }
        var runs = await Task.WhenAll(tasks).ConfigureAwait(false);
        var ttft = runs.Select(r => r.Result.Usage.TimeToFirstTokenMs).ToList();
        var (gapP50, admissionGap) = TokenGaps.Measure([.. runs.Select(r => r.Times)]);
        return new ArrivalResult(Runtime, requests, interval.TotalMilliseconds, Stats.Percentile(ttft, 50), Stats.Percentile(ttft, 95), ttft.Max(), gapP50, admissionGap);
    }

    /// <summary>One request, with the time each of its deltas came.</summary>
    private async Task<(GenerationResult, TokenGaps.StreamTimes)> TimedAsync(CancellationToken cancellationToken)
    {
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        var stream = session.Engine.Stream(Request(), cancellationToken);
        var deltas = new List<long>(settings.GenTokens);
        await foreach (var _ in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            deltas.Add(System.Diagnostics.Stopwatch.GetTimestamp());
        }
        return (await stream.Result.ConfigureAwait(false), new TokenGaps.StreamTimes(arrived, deltas));
    }

    private async Task<GenerationResult[]> RoundAsync(int streams, CancellationToken cancellationToken)
    {
        var tasks = new Task<GenerationResult>[streams];
        for (var s = 0; s < streams; s++)
        {
            tasks[s] = RunOneAsync(cancellationToken);
        }
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private Task<GenerationResult> RunOneAsync(CancellationToken cancellationToken) =>
        CompletionPrinter.StreamAsync(session.Engine, Request(), output: null, cancellationToken);

    private GenerationRequest Request() => new()
    {
        Id = $"bench-{Interlocked.Increment(ref _sequence)}",
        Prompt = prompt.Text,
        MaxTokens = settings.GenTokens,
        Temperature = 0,
        IgnoreEos = true,
    };

    private static double PrefillSpeed(Usage u) => u.TimeToFirstTokenMs <= 0 ? 0 : u.PromptTokens / (u.TimeToFirstTokenMs / 1000);

    private static double DecodeSpeed(Usage u)
    {
        var ms = u.TotalMs - u.TimeToFirstTokenMs;
        return ms <= 0 || u.CompletionTokens < 2 ? 0 : (u.CompletionTokens - 1) / (ms / 1000);
    }
}
