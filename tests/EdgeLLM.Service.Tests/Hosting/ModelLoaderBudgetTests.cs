using System.Globalization;
using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>
/// The load-time memory check and batch sizing, at their exact edges, over the footprint the load measured: a model is
/// served only when runtime + sessions + tokenizer + the KV cache and activations of one full-context sequence fit the
/// memory budget, and gets as many batch slots as both budgets hold. The process's memory is read through fixed
/// readings here (the load "costs" exactly <see cref="Session"/> native and <see cref="Tokenizer"/> managed bytes), so
/// every edge is exact; <see cref="ModelFootprintMeasurementTests"/> measures the real one.
/// </summary>
public sealed class ModelLoaderBudgetTests
{
    private const long Runtime = 32L << 20;
    private const long Session = 9L << 20;
    private const long Tokenizer = 1L << 20;

    /// <summary>Readings as a load takes them (before, after opening, after the executor): the open adds
    /// <see cref="Session"/> + <see cref="Tokenizer"/> resident bytes, <see cref="Tokenizer"/> of them managed.</summary>
    internal static Func<LoadPoint, MemoryReading> FixedCost(long session = Session, long tokenizer = Tokenizer) => point => point == LoadPoint.BeforeOpen
        ? new MemoryReading(100L << 20, 10L << 20)
        : new MemoryReading((100L << 20) + session + tokenizer, (10L << 20) + tokenizer);

    private static (long PerSequence, Func<int, long> Activations) Shape()
    {
        using var model = LanguageModel.Load(DefaultModelSmoke.Directory, new ModelLoadOptions { IntraOpThreads = 1 });
        return (model.KvLayout.BytesPerSequence(model.MaxSequenceLength), slots => ActivationEstimate.Bytes(model, slots, new ServingPlan().PrefillChunkTokens));
    }

    /// <summary>What the process needs for <paramref name="slots"/> sequences under <see cref="FixedCost"/>.</summary>
    private static long Required(int slots)
    {
        var (perSequence, activations) = Shape();
        return Runtime + Session + Tokenizer + slots * perSequence + activations(slots);
    }

    private static LoadedModel Load(ServingPlan plan, ILoggerFactory? logs = null) =>
        new ModelLoader(plan with { Threads = 1, RuntimeBytes = plan.RuntimeBytes == 0 ? Runtime : plan.RuntimeBytes }, logs ?? NullLoggerFactory.Instance, FixedCost())
            .Load(DefaultModelSmoke.Directory);

    [Fact]
    public void A_budget_one_byte_short_of_the_measured_footprint_of_one_sequence_refuses_the_model_naming_every_part()
    {
        var required = Required(1);

        var e = Assert.Throws<ModelLoadException>(() => Load(new ServingPlan { MemoryBudgetBytes = required - 1 }));

        var budget = Assert.IsType<MemoryBudgetException>(e.InnerException);
        Assert.Equal(required, budget.RequiredBytes);
        Assert.Equal(Session, budget.Footprint!.SessionBytes);
        Assert.Equal(Tokenizer, budget.Footprint.TokenizerBytes);
        Assert.Contains(required.ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.Contains($"but the memory budget is {required - 1} bytes", e.Message, StringComparison.Ordinal);
        foreach (var part in new[] { "runtime 32.00 MiB", "sessions 9.00 MiB", "tokenizer 1.00 MiB", "KV cache 2.00 MiB for 1 sequence of 512 positions", "activations" })
        {
            Assert.Contains(part, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_budget_of_exactly_the_footprint_of_one_sequence_serves_with_one_slot_and_reports_that_footprint()
    {
        var required = Required(1);

        await using var loaded = Load(new ServingPlan { MemoryBudgetBytes = required, MaxBatchSize = 8 });

        Assert.Equal(1, loaded.Engine.GetStats().BatchCapacity);
        Assert.Equal(required, loaded.Footprint.RequiredBytes);
        Assert.Equal(required - Runtime, loaded.MemoryBytes);
        Assert.Equal(1, loaded.Footprint.BatchSlots);
    }

    [Fact]
    public async Task The_memory_budget_left_after_the_measured_parts_sets_the_slots_and_a_smaller_batch_is_logged_with_the_parts()
    {
        var logger = new Logging.RecordingLogger<ModelLoader>();
        using var logs = new OneLoggerFactory(logger);

        await using var loaded = Load(new ServingPlan { MemoryBudgetBytes = Required(3) + (Required(4) - Required(3)) / 2, MaxBatchSize = 8 }, logs);

        Assert.Equal(3, loaded.Engine.GetStats().BatchCapacity);
        Assert.Equal(Required(3), loaded.Footprint.RequiredBytes);
        var line = Assert.Single(logger.Lines, l => l.Id.Id == 1242);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("gets 3 batch slots of the 8 configured", line.Message, StringComparison.Ordinal);
        Assert.Contains("KV cache 6.00 MiB for 3 sequences", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_kv_budget_caps_the_slots_below_the_configured_batch()
    {
        var (perSequence, _) = Shape();

        await using var loaded = Load(new ServingPlan { KvBudgetBytes = 2 * perSequence + 1, MaxBatchSize = 8 });

        Assert.Equal(2, loaded.Engine.GetStats().BatchCapacity);
        Assert.Equal(2 * perSequence, loaded.Footprint.KvReservedBytes);
    }

    [Fact]
    public async Task Without_budgets_the_configured_batch_is_used_and_its_kv_cache_and_activations_are_counted()
    {
        var (perSequence, activations) = Shape();

        await using var loaded = Load(new ServingPlan { MaxBatchSize = 5 });

        Assert.Equal(5, loaded.Engine.GetStats().BatchCapacity);
        Assert.Equal(5 * perSequence, loaded.Footprint.KvReservedBytes);
        Assert.Equal(activations(5), loaded.Footprint.ActivationBytes);
        Assert.Equal(Session + Tokenizer + 5 * perSequence + activations(5), loaded.MemoryBytes);
    }

    [Fact]
    public void Weights_files_larger_than_the_budget_left_by_the_runtime_are_refused_before_anything_is_opened()
    {
        var weights = ModelDirectory.WeightsBytes(DefaultModelSmoke.Directory);

        var e = Assert.Throws<ModelLoadException>(() => Load(new ServingPlan { MemoryBudgetBytes = Runtime + weights - 1 }));

        Assert.Null(Assert.IsType<MemoryBudgetException>(e.InnerException).Footprint);
        Assert.Contains("weights files", e.Message, StringComparison.Ordinal);
        Assert.Contains("before any session", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Hands every category the one recording logger.</summary>
    private sealed class OneLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => categoryName == typeof(ModelLoader).FullName ? logger : NullLogger.Instance;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
