using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

public class TokenSamplerVerifyTests
{
    private static readonly float[] Logits = [1f, 2f, 0.5f, 1.5f];

    private static double[] Softmax(float[] logits, float temperature)
    {
        var e = logits.Select(l => Math.Exp(l / temperature)).ToArray();
        var sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Verifying_a_proposal_emits_tokens_with_the_models_own_distribution(int proposed)
    {
        var sampler = new TokenSampler(4);
        sampler.Reset(new SamplingOptions { DoSample = true, Temperature = 0.9f, Seed = 42 });
        var counts = new int[4];
        const int trials = 40000;
        for (var i = 0; i < trials; i++)
        {
            counts[sampler.Verify((float[])Logits.Clone(), [], proposed)]++;
        }
        var p = Softmax(Logits, 0.9f);
        for (var t = 0; t < 4; t++)
        {
            Assert.InRange(counts[t] / (double)trials, p[t] - 0.015, p[t] + 0.015);
        }
    }

    [Fact]
    public void Greedy_verification_keeps_the_proposal_only_when_it_is_the_argmax()
    {
        var sampler = new TokenSampler(4);
        sampler.Reset(SamplingOptions.Greedy);
        Assert.Equal(1, sampler.Verify((float[])Logits.Clone(), [], 1));
        Assert.Equal(1, sampler.Verify((float[])Logits.Clone(), [], 3));
    }

    [Fact]
    public void A_proposal_outside_top_k_is_never_emitted()
    {
        var sampler = new TokenSampler(4);
        sampler.Reset(new SamplingOptions { DoSample = true, TopK = 2, Seed = 3 });
        for (var i = 0; i < 2000; i++)
        {
            var token = sampler.Verify((float[])Logits.Clone(), [], 2);
            Assert.True(token is 1 or 3, $"token {token}");
        }
    }
}
