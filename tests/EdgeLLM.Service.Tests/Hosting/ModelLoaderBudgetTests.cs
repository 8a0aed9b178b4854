using EdgeLLM.Runtime.Models;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>
/// The load-time memory check and batch sizing, at their exact edges: a model is served only when runtime + weights +
/// the KV cache of one full-context sequence fit the memory budget, and gets as many batch slots as both budgets hold.
/// </summary>
public sealed class ModelLoaderBudgetTests
{
    private const long Runtime = 32L << 20;

    private static (long Weights, long PerSequence) Footprint()
    {
        using var model = LanguageModel.Load(DefaultModelSmoke.Directory, new ModelLoadOptions { IntraOpThreads = 1 });
        return (model.WeightsBytes, model.KvLayout.BytesPerSequence(model.MaxSequenceLength));
    }

    private static LoadedModel Load(ServingPlan plan) =>
        new ModelLoader(plan with { Threads = 1 }, NullLoggerFactory.Instance).Load(DefaultModelSmoke.Directory);

    [Fact]
    public void A_budget_one_byte_short_of_runtime_weights_and_one_sequences_kv_cache_refuses_the_model_naming_the_kv_cache()
    {
        var (weights, perSequence) = Footprint();
        var required = Runtime + weights + perSequence;

        var e = Assert.Throws<ModelLoadException>(() => Load(new ServingPlan { RuntimeBytes = Runtime, MemoryBudgetBytes = required - 1 }));

        Assert.Contains(required.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.Contains($"minimum KV cache {perSequence}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_budget_of_exactly_runtime_weights_and_one_sequences_kv_cache_serves_with_one_slot()
    {
        var (weights, perSequence) = Footprint();

        await using var loaded = Load(new ServingPlan { RuntimeBytes = Runtime, MemoryBudgetBytes = Runtime + weights + perSequence, MaxBatchSize = 8 });

        Assert.Equal(1, loaded.Engine.GetStats().BatchCapacity);
        Assert.Equal(weights + perSequence, loaded.MemoryBytes);
    }

    [Fact]
    public async Task The_memory_budget_left_after_runtime_and_weights_sets_the_slots()
    {
        var (weights, perSequence) = Footprint();

        await using var loaded = Load(new ServingPlan { RuntimeBytes = Runtime, MemoryBudgetBytes = Runtime + weights + 3 * perSequence + perSequence / 2, MaxBatchSize = 8 });

        Assert.Equal(3, loaded.Engine.GetStats().BatchCapacity);
        Assert.Equal(weights + 3 * perSequence, loaded.MemoryBytes);
    }

    [Fact]
    public async Task The_kv_budget_caps_the_slots_below_the_configured_batch()
    {
        var (_, perSequence) = Footprint();

        await using var loaded = Load(new ServingPlan { KvBudgetBytes = 2 * perSequence + 1, MaxBatchSize = 8 });

        Assert.Equal(2, loaded.Engine.GetStats().BatchCapacity);
    }

    [Fact]
    public async Task Without_budgets_the_configured_batch_is_used()
    {
        await using var loaded = Load(new ServingPlan { MaxBatchSize = 5 });

        Assert.Equal(5, loaded.Engine.GetStats().BatchCapacity);
    }
}
