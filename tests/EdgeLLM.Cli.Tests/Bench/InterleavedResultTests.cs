using EdgeLLM.Cli.Bench;

namespace EdgeLLM.Cli.Tests.Bench;

public class InterleavedResultTests
{
    private static SingleStreamResult Single(string runtime, double prefill, double decode, long? rss = null) => new()
    {
        Runtime = runtime, LoadMs = 1, PromptTokens = 64, GeneratedTokens = 64, TtftMs = 1000 * 64 / prefill,
        PrefillTokensPerSecond = prefill, DecodeTokensPerSecond = decode, TotalMs = 1000, PeakRssBytes = rss, OutsideOrtShare = null, StepOverheadShare = null,
    };

    private static ConcurrencyLevelResult Level(int streams, double aggregate) => new(streams, aggregate, aggregate / streams, 100, 200, streams, 10);

    private static BenchRound Round(int n, double start, double end, double ownDecode, double peerDecode) => new(n, start, end,
    [
        new RoundFigures("EdgeLLM", Single("EdgeLLM", 100 + n, ownDecode, rss: n * 1000L), [Level(8, 60 + n)]),
        new RoundFigures("GenAI", Single("GenAI", 50, peerDecode), [Level(8, 50)]),
    ]);

    [Fact]
    public void Each_runtime_gets_the_median_and_spread_over_rounds_and_edgellms_ratio_over_it()
    {
        var r = InterleavedResult.From([Round(1, 0.2, 0.9, 30, 20), Round(2, 0.9, 1.1, 36, 30), Round(3, 1.1, 1.2, 33, 25)], cores: 2);
        Assert.Equal(["EdgeLLM", "GenAI"], r.Runtimes.Select(s => s.Runtime));
        var own = r.Runtimes[0];
        Assert.Equal(new Spread(33, 30, 36), own.Decode);
        Assert.Equal(new Spread(102, 101, 103), own.Prefill);
        Assert.Null(own.DecodeRatio);
        var genai = r.Runtimes[1];
        Assert.Equal(new Spread(25, 20, 30), genai.Decode);
        Assert.Equal(33.0 / 25, genai.DecodeRatio!.Value, 12);
        Assert.Equal(102.0 / 50, genai.PrefillRatio!.Value, 12);
        Assert.Equal(3, genai.Rounds);
        Assert.Equal(new Spread(62, 61, 63), r.Levels.Single(l => l.Runtime == "EdgeLLM" && l.Streams == 8).Aggregate);
        Assert.True(r.Reliable);
        Assert.Equal(1.2, r.MaxLoad);
    }

    [Theory]
    [InlineData(2.5, 1.0)]
    [InlineData(1.0, 2.01)]
    [InlineData(double.NaN, 1.0)]
    public void A_round_that_starts_or_ends_busier_than_the_cores_makes_the_ratios_unreliable(double start, double end)
    {
        var r = InterleavedResult.From([Round(1, 0.5, 0.5, 30, 20), Round(2, start, end, 30, 20)], cores: 2);
        Assert.False(r.Reliable);
    }

    [Fact]
    public void A_runtime_missing_from_some_rounds_counts_only_the_rounds_it_ran()
    {
        var partial = new BenchRound(2, 0.1, 0.1, [new RoundFigures("EdgeLLM", Single("EdgeLLM", 100, 40), [])]);
        var r = InterleavedResult.From([Round(1, 0.1, 0.1, 30, 20), partial], cores: 2);
        Assert.Equal(1, r.Runtimes[1].Rounds);
        Assert.Equal(new Spread(35, 30, 40), r.Runtimes[0].Decode);
    }

    [Fact]
    public void Folding_takes_medians_and_the_first_rounds_peak_memory()
    {
        var folded = InterleavedResult.Fold([Single("EdgeLLM", 90, 30, 700), Single("EdgeLLM", 110, 20, 1300), Single("EdgeLLM", 100, 40, 1400)]);
        Assert.Equal(100, folded.PrefillTokensPerSecond);
        Assert.Equal(30, folded.DecodeTokensPerSecond);
        Assert.Equal(700, folded.PeakRssBytes);
        var levels = InterleavedResult.Fold([(IReadOnlyList<ConcurrencyLevelResult>)[Level(1, 10), Level(8, 70)], [Level(1, 30), Level(8, 50)], [Level(1, 20), Level(8, 60)]]);
        Assert.Equal([1, 8], levels.Select(l => l.Streams));
        Assert.Equal(20, levels[0].AggregateTokensPerSecond);
        Assert.Equal(60, levels[1].AggregateTokensPerSecond);
    }

    [Theory]
    [InlineData("0.42 0.50 0.61 1/123 4567\n", 0.42)]
    [InlineData("12.00 3.1 2.2 5/600 1", 12.0)]
    public void The_load_average_is_the_first_field_of_proc_loadavg(string line, double expected) =>
        Assert.Equal(expected, LoadAverage.Parse(line));

    [Fact]
    public void A_load_average_that_is_not_a_number_is_unknown() => Assert.True(double.IsNaN(LoadAverage.Parse("busy")));
}
