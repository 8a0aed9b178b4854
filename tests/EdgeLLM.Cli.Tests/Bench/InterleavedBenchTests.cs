using EdgeLLM.Cli.Bench;

namespace EdgeLLM.Cli.Tests.Bench;

public class InterleavedBenchTests
{
    private static readonly string[] Runtimes = ["EdgeLLM", "GenAI", "transformers.js", "llama.cpp"];

    [Fact]
    public void Round_one_keeps_the_given_order_so_edgellm_measures_before_any_peer_opens()
    {
        Assert.Equal(Runtimes, InterleavedBench.TurnOrder(Runtimes, 1));
    }

    [Fact]
    public void Each_round_starts_one_place_later()
    {
        Assert.Equal(["GenAI", "transformers.js", "llama.cpp", "EdgeLLM"], InterleavedBench.TurnOrder(Runtimes, 2));
        Assert.Equal(["llama.cpp", "EdgeLLM", "GenAI", "transformers.js"], InterleavedBench.TurnOrder(Runtimes, 4));
        Assert.Equal(Runtimes, InterleavedBench.TurnOrder(Runtimes, 5));
    }

    [Fact]
    public void Over_as_many_rounds_as_runtimes_every_runtime_takes_every_place_once()
    {
        var orders = Enumerable.Range(1, Runtimes.Length).Select(r => InterleavedBench.TurnOrder(Runtimes, r).ToList()).ToList();
        for (var place = 0; place < Runtimes.Length; place++)
        {
            Assert.Equal(Runtimes.Order(), orders.Select(o => o[place]).Order());
        }
        Assert.All(orders, o => Assert.Equal(Runtimes.Order(), o.Order()));
    }

    [Fact]
    public void Two_runtimes_alternate_which_goes_first()
    {
        string[] two = ["EdgeLLM", "GenAI"];
        Assert.Equal(["EdgeLLM", "GenAI"], InterleavedBench.TurnOrder(two, 1));
        Assert.Equal(["GenAI", "EdgeLLM"], InterleavedBench.TurnOrder(two, 2));
        Assert.Equal(["EdgeLLM", "GenAI"], InterleavedBench.TurnOrder(two, 3));
    }
}
