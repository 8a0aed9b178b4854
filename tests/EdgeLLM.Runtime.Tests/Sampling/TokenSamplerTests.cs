using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

public class TokenSamplerTests
{
    private static float[] Logits(params float[] values) => values;

    [Fact]
    public void Greedy_picks_the_largest_logit_and_the_lowest_index_on_a_tie()
    {
        var s = new TokenSampler(5);
        s.Reset(SamplingOptions.Greedy);
        Assert.Equal(3, s.Next(Logits(0.1f, 2f, -1f, 5f, 4f), []));
        Assert.Equal(1, s.Next(Logits(0.1f, 5f, -1f, 5f, 4f), []));
    }

    [Fact]
    public void Temperature_zero_is_greedy_even_with_sampling_on()
    {
        var s = new TokenSampler(4);
        s.Reset(new SamplingOptions { DoSample = true, Temperature = 0f, Seed = 1 });
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(2, s.Next(Logits(1f, 1.5f, 1.6f, 0f), []));
        }
    }

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_once_per_token()
    {
        var s = new TokenSampler(4);
        s.Reset(SamplingOptions.Greedy with { RepetitionPenalty = 2f });
        var logits = Logits(4f, 3f, -1f, 0.5f);
        s.Next(logits, [0, 0, 2, 0]);
        Assert.Equal([2f, 3f, -2f, 0.5f], logits);
    }

    [Fact]
    public void Repetition_penalty_can_change_the_greedy_choice()
    {
        var s = new TokenSampler(3);
        s.Reset(SamplingOptions.Greedy with { RepetitionPenalty = 1.5f });
        Assert.Equal(1, s.Next(Logits(3f, 2.5f, 0f), [0]));
    }

    [Fact]
    public void The_same_seed_gives_the_same_tokens_and_another_seed_differs()
    {
        var rng = new Random(7);
        var rows = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 100).Select(_ => (float)rng.NextDouble() * 4).ToArray()).ToArray();
        int[] Run(ulong seed)
        {
            var s = new TokenSampler(100);
            s.Reset(new SamplingOptions { DoSample = true, Temperature = 1.2f, TopK = 40, TopP = 0.95f, Seed = seed });
            return rows.Select(r => s.Next((float[])r.Clone(), [])).ToArray();
        }
        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
    }

    [Fact]
    public void Sampling_frequencies_follow_the_softmax_at_the_given_temperature()
    {
        var logits = new[] { 0f, 1f, 2f, 0.5f };
        const float temperature = 0.8f;
        var expected = logits.Select(l => Math.Exp(l / temperature)).ToArray();
        var z = expected.Sum();
        var s = new TokenSampler(4);
        s.Reset(new SamplingOptions { DoSample = true, Temperature = temperature, Seed = 5 });
        var counts = new int[4];
        const int draws = 40000;
        for (var i = 0; i < draws; i++)
        {
            counts[s.Next((float[])logits.Clone(), [])]++;
        }
        for (var t = 0; t < 4; t++)
        {
            Assert.InRange(counts[t] / (double)draws, expected[t] / z - 0.01, expected[t] / z + 0.01);
        }
    }

    [Fact]
    public void Top_k_never_draws_outside_the_k_most_likely()
    {
        var s = new TokenSampler(10);
        s.Reset(new SamplingOptions { DoSample = true, Temperature = 5f, TopK = 3, Seed = 9 });
        var logits = new float[] { 1, 9, 2, 8, 3, 7, 4, 0, 5, 6 };
        var seen = new HashSet<int>();
        for (var i = 0; i < 2000; i++)
        {
            seen.Add(s.Next((float[])logits.Clone(), []));
        }
        Assert.Equal(new HashSet<int> { 1, 3, 5 }, seen);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_p()
    {
        // probabilities 0.5, 0.3, 0.15, 0.05 -> top_p 0.75 keeps the first two
        var probs = new[] { 0.5, 0.3, 0.15, 0.05 };
        var logits = probs.Select(p => (float)Math.Log(p)).ToArray();
        var s = new TokenSampler(4);
        s.Reset(new SamplingOptions { DoSample = true, TopP = 0.75f, Seed = 3 });
        var counts = new int[4];
        for (var i = 0; i < 20000; i++)
        {
            counts[s.Next((float[])logits.Clone(), [])]++;
        }
        Assert.Equal(0, counts[2] + counts[3]);
        Assert.InRange(counts[0] / 20000.0, 0.5 / 0.8 - 0.02, 0.5 / 0.8 + 0.02);
    }

    [Fact]
    public void Min_p_drops_tokens_below_the_fraction_of_the_best()
    {
        var probs = new[] { 0.6, 0.25, 0.1, 0.05 };
        var logits = probs.Select(p => (float)Math.Log(p)).ToArray();
        var s = new TokenSampler(4);
        s.Reset(new SamplingOptions { DoSample = true, MinP = 0.2f, Seed = 4 });
        var seen = new HashSet<int>();
        for (var i = 0; i < 5000; i++)
        {
            seen.Add(s.Next((float[])logits.Clone(), []));
        }
        Assert.Equal(new HashSet<int> { 0, 1 }, seen);
    }

    [Fact]
    public void Choosing_a_token_allocates_nothing()
    {
        var rng = new Random(1);
        var logits = Enumerable.Range(0, 4096).Select(_ => (float)rng.NextDouble()).ToArray();
        var work = new float[4096];
        var history = Enumerable.Range(0, 300).ToArray();
        var s = new TokenSampler(4096);
        s.Reset(new SamplingOptions { DoSample = true, Temperature = 0.7f, TopK = 50, TopP = 0.9f, MinP = 0.05f, RepetitionPenalty = 1.1f, Seed = 1 });
        logits.CopyTo(work, 0);
        s.Next(work, history);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            logits.CopyTo(work, 0);
            s.Next(work, history);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(-1f, 0, 1f, 0f, 1f, "temperature")]
    [InlineData(1f, -2, 1f, 0f, 1f, "top_k")]
    [InlineData(1f, 0, 0f, 0f, 1f, "top_p")]
    [InlineData(1f, 0, 1.5f, 0f, 1f, "top_p")]
    [InlineData(1f, 0, 1f, 2f, 1f, "min_p")]
    [InlineData(1f, 0, 1f, 0f, 0f, "repetition_penalty")]
    public void Out_of_range_options_are_named(float t, int k, float p, float minP, float rep, string field)
    {
        var o = new SamplingOptions { DoSample = true, Temperature = t, TopK = k, TopP = p, MinP = minP, RepetitionPenalty = rep };
        Assert.StartsWith(field + ":", o.Problem());
    }
}
