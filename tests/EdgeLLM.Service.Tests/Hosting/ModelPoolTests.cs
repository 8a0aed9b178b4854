using EdgeLLM.Ota.Tests.Support;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>
/// Models loaded on demand beside the serving one: reuse, Ollama's keep_alive (on a clock the test moves), and the
/// memory budget shared with the serving model (idle models make room, least recently used first; busy ones never).
/// </summary>
public sealed class ModelPoolTests : IAsyncDisposable
{
    private static readonly string Variants = Path.Combine(DefaultModelSmoke.Directory, "..", "variants");
    private static readonly InstalledModel Fp16Kv = InstalledModel.TryRead(Path.Combine(Variants, "iot-assist-fp16kv"))!;
    private static readonly InstalledModel WeakDraft = InstalledModel.TryRead(Path.Combine(Variants, "iot-assist-weak-draft"))!;
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private ModelHost? _host;
    private ModelPool? _pool;

    private async Task<ModelPool> StartAsync(long memoryBudgetBytes = 0)
    {
        // One batch slot each, so a model takes exactly its load cost, one full-context KV sequence and its activations.
        var plan = new ServingPlan { Threads = 1, MaxBatchSize = 1, MemoryBudgetBytes = memoryBudgetBytes };
        // Every load costs the same fixed sessions and tokenizer, so what fits is exact (the real measurement is
        // ModelFootprintMeasurementTests'); the pool's own loads go through the same loader.
        var loader = new ModelLoader(plan, NullLoggerFactory.Instance, ModelLoaderBudgetTests.FixedCost(Session, Tokenizer));
        _host = new ModelHost(loader, NullLogger<ModelHost>.Instance) { Drain = TimeSpan.FromSeconds(5) };
        await _host.LoadAsync(DefaultModelSmoke.Directory, CancellationToken.None);
        return _pool = new ModelPool(_host, loader, _time, NullLoggerFactory.Instance);
    }

    private const long Session = 8L << 20;
    private const long Tokenizer = 1L << 20;

    /// <summary>What a model adds with one slot under the fixed load cost: the loader's own arithmetic.</summary>
    private static long Footprint(string directory)
    {
        using var loaded = LanguageModel.Load(directory, new ModelLoadOptions { IntraOpThreads = 1 });
        return ModelFootprint.Of(loaded, new ServingPlan { MaxBatchSize = 1 }, new LoadCost(Session, Tokenizer), slots: 1).ModelBytes;
    }

    [Fact]
    public async Task A_named_model_loads_once_serves_its_requests_and_goes_when_its_keep_alive_runs_out()
    {
        var pool = await StartAsync();
        var first = await pool.AcquireAsync(Fp16Kv, TimeSpan.FromMinutes(5), CancellationToken.None);
        var second = await pool.AcquireAsync(Fp16Kv, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Same(first.Model, second.Model);
        Assert.Equal("iot-assist-fp16kv", first.Model.Model.Identity.Id);
        var result = await first.Model.Engine.GenerateAsync(new GenerationRequest { Id = "t", Messages = [new PromptMessage("user", DefaultModelSmoke.Cases[0].UserMessage)], MaxTokens = 8, Temperature = 0 }, CancellationToken.None);
        Assert.True(result.Usage.CompletionTokens > 0);
        Assert.Same(_host!.Current, _host.Current);
        Assert.Equal("iot-assist", _host.Current!.Model.Identity.Id);

        first.Dispose();
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Single(pool.Loaded);
        second.Dispose();
        var pooled = Assert.Single(pool.Loaded);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(5), pooled.ExpiresAt);

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Single(pool.Loaded);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(pool.Loaded);
        await pool.Retired;
        Assert.True(_host.IsReady);
    }

    [Fact]
    public async Task A_new_request_before_the_keep_alive_ends_keeps_the_model_and_restarts_the_wait()
    {
        var pool = await StartAsync();
        (await pool.AcquireAsync(Fp16Kv, TimeSpan.FromMinutes(5), CancellationToken.None)).Dispose();
        _time.Advance(TimeSpan.FromMinutes(4));
        var again = await pool.AcquireAsync(Fp16Kv, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Null(Assert.Single(pool.Loaded).ExpiresAt);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(pool.Loaded);
        again.Dispose();
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Single(pool.Loaded);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(pool.Loaded);
    }

    [Fact]
    public async Task Keep_alive_for_good_keeps_the_model_and_zero_unloads_it_as_soon_as_it_is_idle()
    {
        var pool = await StartAsync();
        (await pool.AcquireAsync(Fp16Kv, null, CancellationToken.None)).Dispose();
        _time.Advance(TimeSpan.FromDays(30));
        Assert.Null(Assert.Single(pool.Loaded).ExpiresAt);

        var zero = await pool.AcquireAsync(WeakDraft, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(2, pool.Loaded.Count);
        zero.Dispose();
        Assert.Equal("iot-assist-fp16kv", Assert.Single(pool.Loaded).Loaded.Model.Identity.Id);
        await pool.Retired;
    }

    [Fact]
    public async Task Under_the_memory_budget_an_idle_model_makes_room_and_a_busy_one_makes_the_request_over_budget()
    {
        var serving = Footprint(DefaultModelSmoke.Directory);
        var budget = serving + Math.Max(Footprint(Fp16Kv.Directory), Footprint(WeakDraft.Directory)) + 1024;
        Assert.True(budget < serving + Footprint(Fp16Kv.Directory) + Footprint(WeakDraft.Directory), "the budget must not hold both extra models");
        var pool = await StartAsync(budget);

        (await pool.AcquireAsync(Fp16Kv, TimeSpan.FromHours(1), CancellationToken.None)).Dispose();
        var draft = await pool.AcquireAsync(WeakDraft, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.Equal("iot-assist-weak-draft", Assert.Single(pool.Loaded).Loaded.Model.Identity.Id);

        var e = await Assert.ThrowsAsync<GenerationException>(() => pool.AcquireAsync(Fp16Kv, TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Equal(GenerationErrorCode.OverBudget, e.Code);
        Assert.Contains("iot-assist-fp16kv", e.Message);
        Assert.Same(draft.Model, Assert.Single(pool.Loaded).Loaded);
        Assert.True(_host!.IsReady);
        draft.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_pool is not null)
        {
            await _pool.DisposeAsync();
        }
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
