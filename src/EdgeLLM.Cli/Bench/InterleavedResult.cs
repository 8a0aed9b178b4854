namespace EdgeLLM.Cli.Bench;

/// <summary>A figure over rounds: the median, and the lowest and highest round.</summary>
internal sealed record Spread(double Median, double Min, double Max)
{
    public static Spread Of(IReadOnlyCollection<double> values) =>
        values.Count == 0 ? new Spread(0, 0, 0) : new Spread(Stats.Median(values), values.Min(), values.Max());
}

/// <summary>One runtime's measurements in one round: a single stream and each concurrency level it ran.</summary>
internal sealed record RoundFigures(string Runtime, SingleStreamResult Single, IReadOnlyList<ConcurrencyLevelResult> Concurrency);

/// <summary>One round: every runtime once, in order, with the one-minute load average before and after.</summary>
internal sealed record BenchRound(int Round, double LoadAtStart, double LoadAtEnd, IReadOnlyList<RoundFigures> Runtimes);

/// <summary>A runtime over all rounds, with the first runtime's (EdgeLLM's) median over this one's.</summary>
internal sealed record RuntimeSpread(string Runtime, int Rounds, Spread Prefill, Spread Decode, Spread Ttft, double? PrefillRatio, double? DecodeRatio);

/// <summary>Aggregate tokens/s of one runtime at one concurrency level over rounds.</summary>
internal sealed record LevelSpread(string Runtime, int Streams, Spread Aggregate);

/// <summary>
/// Runtimes measured in interleaved rounds (A B C D, A B C D, ...), so drift of the machine between blocks cannot decide a
/// ratio: each figure is a median over rounds with its spread, and the ratios are marked unreliable when the load
/// average exceeded the core count at the start or end of any round.
/// </summary>
internal sealed record InterleavedResult(int Cores, IReadOnlyList<BenchRound> Rounds, IReadOnlyList<RuntimeSpread> Runtimes, IReadOnlyList<LevelSpread> Levels)
{
    public double MaxLoad => Rounds.Count == 0 ? double.NaN : Rounds.Max(r => Math.Max(r.LoadAtStart, r.LoadAtEnd));

    /// <summary>False when the machine was busier than its cores at any round boundary (or the load is unknown).</summary>
    public bool Reliable => Rounds.All(r => r.LoadAtStart <= Cores && r.LoadAtEnd <= Cores);

    public static InterleavedResult From(IReadOnlyList<BenchRound> rounds, int cores)
    {
        var names = rounds.SelectMany(r => r.Runtimes).Select(f => f.Runtime).Distinct(StringComparer.Ordinal).ToList();
        List<RoundFigures> Of(string name) => rounds.SelectMany(r => r.Runtimes).Where(f => f.Runtime == name).ToList();
        var spreads = new List<RuntimeSpread>();
        RuntimeSpread? first = null;
        foreach (var name in names)
        {
            var figures = Of(name);
            var prefill = Spread.Of(figures.Select(f => f.Single.PrefillTokensPerSecond).ToList());
            var decode = Spread.Of(figures.Select(f => f.Single.DecodeTokensPerSecond).ToList());
            var ttft = Spread.Of(figures.Select(f => f.Single.TtftMs).ToList());
            var spread = first is null
                ? new RuntimeSpread(name, figures.Count, prefill, decode, ttft, null, null)
                : new RuntimeSpread(name, figures.Count, prefill, decode, ttft, Ratio(first.Prefill.Median, prefill.Median), Ratio(first.Decode.Median, decode.Median));
            first ??= spread;
            spreads.Add(spread);
        }
        var levels = names.SelectMany(name => Of(name).SelectMany(f => f.Concurrency).GroupBy(c => c.Streams).OrderBy(g => g.Key)
            .Select(g => new LevelSpread(name, g.Key, Spread.Of(g.Select(c => c.AggregateTokensPerSecond).ToList())))).ToList();
        return new InterleavedResult(cores, rounds, spreads, levels);
    }

    /// <summary>A runtime's single-stream figures folded over rounds: medians, and the first round's peak RSS (later
    /// rounds share the process with the in-process peer, whose memory the peak would then include).</summary>
    public static SingleStreamResult Fold(IReadOnlyList<SingleStreamResult> rounds)
    {
        if (rounds.Count == 1)
        {
            return rounds[0];
        }
        double Median(Func<SingleStreamResult, double> pick) => Stats.Median(rounds.Select(pick));
        double? MedianOrNull(Func<SingleStreamResult, double?> pick) =>
            rounds.Select(pick).OfType<double>().ToList() is { Count: > 0 } values ? Stats.Median(values) : null;
        return rounds[0] with
        {
            TtftMs = Median(r => r.TtftMs),
            PrefillTokensPerSecond = Median(r => r.PrefillTokensPerSecond),
            DecodeTokensPerSecond = Median(r => r.DecodeTokensPerSecond),
            TotalMs = Median(r => r.TotalMs),
            PeakRssBytes = rounds[0].PeakRssBytes,
            OutsideOrtShare = MedianOrNull(r => r.OutsideOrtShare),
            StepOverheadShare = MedianOrNull(r => r.StepOverheadShare),
        };
    }

    /// <summary>Concurrency levels folded over rounds: per level, the median of every figure.</summary>
    public static IReadOnlyList<ConcurrencyLevelResult> Fold(IReadOnlyList<IReadOnlyList<ConcurrencyLevelResult>> rounds) =>
        rounds.SelectMany(r => r).GroupBy(c => c.Streams).OrderBy(g => g.Key).Select(g => new ConcurrencyLevelResult(g.Key,
            Stats.Median(g.Select(c => c.AggregateTokensPerSecond)), Stats.Median(g.Select(c => c.PerStreamTokensPerSecond)),
            Stats.Median(g.Select(c => c.LatencyP50Ms)), Stats.Median(g.Select(c => c.LatencyP95Ms)),
            Stats.Median(g.Select(c => c.MeanBatch)), Stats.Median(g.Select(c => c.MeanStepMs)))).ToList();

    private static double? Ratio(double a, double b) => b > 0 ? a / b : null;
}
