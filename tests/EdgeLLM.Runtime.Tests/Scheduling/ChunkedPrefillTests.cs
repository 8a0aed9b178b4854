using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>Chunked prefill on the real model: a prompt that goes in a few tokens at a time between the steps of a
/// running stream gives the same greedy answer as one prefilled whole, and so does the stream it joined.</summary>
public class ChunkedPrefillTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static readonly (int MaxNew, SmokeCase[] Cases) Smoke = SmokeCase.Load(TestPaths.DefaultModel);

    [Fact]
    public async Task Greedy_ids_are_the_same_with_and_without_chunked_prefill()
    {
        var whole = await RunAsync(chunk: 0);
        var chunked = await RunAsync(chunk: 3);
        Assert.Equal(0, whole.Chunks);
        Assert.True(chunked.Chunks > 0, "the newcomers' prompts went in whole: nothing was decoding when they arrived");
        Assert.Equal(whole.Results.Length, chunked.Results.Length);
        for (var i = 0; i < whole.Results.Length; i++)
        {
            Assert.Equal(whole.Results[i].TokenIds, chunked.Results[i].TokenIds);
            Assert.Equal(whole.Results[i].Text, chunked.Results[i].Text);
        }
    }

    /// <summary>A stream that runs long, and after its first token every smoke prompt (a newcomer each).</summary>
    private async Task<(GenerationResult[] Results, long Chunks)> RunAsync(int chunk)
    {
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 4, PrefixCacheBytes = 0, PrefillChunkTokens = chunk });
        var running = engine.Stream(new GenerationRequest { Id = "running", Prompt = Smoke.Cases[0].Prompt, Temperature = 0, MaxTokens = 96, IgnoreEos = true });
        var deltas = running.GetAsyncEnumerator();
        Assert.True(await deltas.MoveNextAsync());
        var newcomers = Smoke.Cases.Take(3)
            .Select((c, i) => engine.Stream(new GenerationRequest { Id = $"n{i}", Prompt = c.Prompt + c.Prompt, Temperature = 0, MaxTokens = Smoke.MaxNew }))
            .ToList();
        var results = await Task.WhenAll(newcomers.Select(n => n.Result).Prepend(running.Result));
        return (results, engine.GetStats().PrefillChunks);
    }
}
