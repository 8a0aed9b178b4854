using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Sampling;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Tests.Engine;

public class DecodeStepAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Shared_kv_decode_steps_allocate_nothing_on_the_managed_heap_once_the_batch_size_was_seen(int batchSize)
    {
        var dir = TestPaths.DefaultModel;
        var config = GenAiConfig.Load(Path.Combine(dir, "genai_config.json"));
        using var session = ExecutionProviderSelector.Open(dir, config, new ModelLoadOptions { IntraOpThreads = 1 }, NullLogger.Instance).Session;
        var (_, cases) = SmokeCase.Load(dir);
        using var batch = new SharedKvBatch(session, batchSize, 512);
        var tokens = new int[batchSize];
        for (var s = 0; s < batchSize; s++)
        {
            batch.Prefill(s, cases[s].PromptIds);
        }
        void Step()
        {
            for (var s = 0; s < batchSize; s++)
            {
                tokens[s] = TokenSampler.ArgMax(batch.Logits(s));
            }
            batch.Decode(tokens);
        }
        // The first step of a batch size builds its OrtIoBinding and tensor views; every later one reuses them.
        Step();
        Step();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            Step();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(cases[0].PromptIds.Length + 22, batch.Length(0));
    }
}
