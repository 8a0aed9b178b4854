using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Executors.Batch;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;

namespace EdgeLLM.Runtime.Tests.Speculative;

/// <summary>
/// An executor whose start fails part-way frees what it had opened: the model's batch (native KV cache, bindings),
/// the draft's batch, whatever stage throws. Every batch opened is counted and must be disposed once start has failed.
/// </summary>
public class OpenFailureTests(SpeculativeFixture fixture) : IClassFixture<SpeculativeFixture>
{
    [Fact]
    public async Task The_models_batch_failing_to_open_leaves_nothing_and_start_throws()
    {
        var batches = new TrackedBatches(failAt: 1);
        var e = await StartFailsAsync<InvalidOperationException>(batches, new EngineOptions());
        Assert.Equal("batch 1 refused", e.Message);
        Assert.Empty(batches.Opened);
    }

    [Fact]
    public async Task Speculative_options_out_of_range_free_the_models_batch()
    {
        var batches = new TrackedBatches();
        await StartFailsAsync<ArgumentException>(batches, new EngineOptions { Speculative = new SpeculativeOptions { PromptLookup = true, MaxDraftTokens = 0 } });
        AllDisposed(batches, opened: 1);
    }

    [Fact]
    public async Task The_drafts_batch_failing_to_open_frees_the_models_batch()
    {
        var batches = new TrackedBatches(failAt: 2);
        await StartFailsAsync<InvalidOperationException>(batches, new EngineOptions { Speculative = new SpeculativeOptions { Draft = fixture.Draft } });
        AllDisposed(batches, opened: 1);
    }

    [Fact]
    public async Task A_draft_that_cannot_follow_the_batch_frees_both_batches()
    {
        // A growing-KV draft holds one sequence; the model batches four.
        var batches = new TrackedBatches();
        var e = await StartFailsAsync<InvalidOperationException>(batches, new EngineOptions { MaxBatchSize = 4, Speculative = new SpeculativeOptions { Draft = fixture.GrowingDraft } });
        Assert.Contains("holds 1 sequence", e.Message);
        AllDisposed(batches, opened: 2);
    }

    [Fact]
    public async Task A_started_executor_frees_its_batches_when_disposed_and_the_draft_model_stays_its_owners()
    {
        var batches = new TrackedBatches();
        var executor = new BatchExecutor(fixture.Target, new EngineOptions { MaxBatchSize = 2, Speculative = new SpeculativeOptions { Draft = fixture.Draft } }, batches);
        executor.Start();
        var result = await executor.GenerateAsync(new GenerationRequest { Id = "a", Prompt = "turn on the lights", Temperature = 0, MaxTokens = 8 });
        Assert.NotEmpty(result.TokenIds);
        await executor.DisposeAsync();
        AllDisposed(batches, opened: 2);
        // The draft model is the fixture's (its loader's): still usable.
        using var again = fixture.Draft.CreateBatch(1);
        Assert.Equal(1, again.Capacity);
    }

    private async Task<T> StartFailsAsync<T>(TrackedBatches batches, EngineOptions options)
        where T : Exception
    {
        var executor = new BatchExecutor(fixture.Target, options, batches);
        var e = Assert.Throws<T>(executor.Start);
        await executor.DisposeAsync();
        return e;
    }

    private static void AllDisposed(TrackedBatches batches, int opened)
    {
        Assert.Equal(opened, batches.Opened.Count);
        Assert.All(batches.Opened, b => Assert.True(b.Disposed, "a batch opened before the failure was not freed"));
    }

    private sealed class BatchExecutor(LanguageModel model, EngineOptions options, TrackedBatches batches)
        : ExecutorLoop(ExecutorKind.EdgeLLM, model, options, null, null, o => new DecodeBatchBackend(model, o, batches.Create));

    /// <summary>Opens real batches and remembers them; the <c>failAt</c>-th open throws instead.</summary>
    private sealed class TrackedBatches(int failAt = 0)
    {
        private int _count;

        public List<TrackedBatch> Opened { get; } = [];

        public IDecodeBatch Create(LanguageModel model, int capacity)
        {
            if (++_count == failAt)
            {
                throw new InvalidOperationException($"batch {_count} refused");
            }
            var batch = new TrackedBatch(model.CreateBatch(capacity));
            Opened.Add(batch);
            return batch;
        }
    }

    /// <summary>A model's batch that says whether it was disposed.</summary>
    private sealed unsafe class TrackedBatch(IDecodeBatch inner) : IDecodeBatch
    {
        public bool Disposed { get; private set; }

        public int Capacity => inner.Capacity;

        public int MaxLength => inner.MaxLength;

        public int VocabSize => inner.VocabSize;

        public long KvBytes => inner.KvBytes;

        public long DecodeRunTicks => inner.DecodeRunTicks;

        public bool SupportsPrefixReuse => inner.SupportsPrefixReuse;

        public int Length(int slot) => inner.Length(slot);

        public void Prefill(int slot, ReadOnlySpan<int> tokens) => inner.Prefill(slot, tokens);

        public bool TryPrefillMany(int firstSlot, IReadOnlyList<int[]> prompts) => inner.TryPrefillMany(firstSlot, prompts);

        public int MaxPrefillGroup(int length) => inner.MaxPrefillGroup(length);

        public void Decode(ReadOnlySpan<int> tokens) => inner.Decode(tokens);

        public Span<float> Logits(int slot) => inner.Logits(slot);

        public void Reset(int slot) => inner.Reset(slot);

        public void Move(int from, int to) => inner.Move(from, to);

        public long PrefixBytes(int length) => inner.PrefixBytes(length);

        public void ExportPrefix(int slot, int length, byte* block) => inner.ExportPrefix(slot, length, block);

        public void ImportPrefix(int slot, int length, byte* block, int blockLength) => inner.ImportPrefix(slot, length, block, blockLength);

        public void Extend(int slot, ReadOnlySpan<int> tokens) => inner.Extend(slot, tokens);

        public Span<float> ExtendLogits(int position) => inner.ExtendLogits(position);

        public void Truncate(int slot, int length) => inner.Truncate(slot, length);

        public void Dispose()
        {
            Disposed = true;
            inner.Dispose();
        }
    }
}
