using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.KvCache;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Executors.Batch;

/// <summary>
/// EdgeLLM's own backend: a model's <see cref="IDecodeBatch"/> over ONNX Runtime (shared-buffer or growing KV cache),
/// the prefix cache, and speculative decoding when the options ask for it. Continuous batching: a slot joins at the
/// next step. Prompts that arrive together with one length and no cached prefix are prefilled in one run
/// (<see cref="IDecodeBatch.TryPrefillMany"/>: the weights are read once for the group, as a decode step reads them
/// once for the batch); a long prompt can go in a chunk at a time.
/// </summary>
/// <param name="model">The model, opened with a decoder session.</param>
/// <param name="options">Batch size, prefix cache, speculative decoding.</param>
/// <param name="createBatch">Opens a model's batch of a given capacity (the model's own by default; tests count
/// what is opened and freed).</param>
internal sealed class DecodeBatchBackend(LanguageModel model, EngineOptions options, Func<LanguageModel, int, IDecodeBatch>? createBatch = null) : IExecutionBackend
{
    private readonly Func<LanguageModel, int, IDecodeBatch> _createBatch = createBatch ?? ((m, capacity) => m.CreateBatch(capacity));
    private readonly List<int[]> _group = [];
    private IDecodeBatch? _batch;
    private PrefixCache? _prefixCache;
    private SpeculativeDecoder? _speculative;
    private int[] _stepTokens = [];

    private IDecodeBatch Batch => _batch ?? throw new InvalidOperationException("the backend is not open");

    public int Capacity => Batch.Capacity;

    public BatchingMode Batching => BatchingMode.Continuous;

    public int MaxLength => Batch.MaxLength;

    public int VocabSize => Batch.VocabSize;

    public bool ChunksPrefill => true;

    public long KvBytes => _batch?.KvBytes ?? 0;

    public long KvResidentBytes() => _batch?.KvResidentBytes() ?? 0;

    public long RunTicks => _batch?.DecodeRunTicks ?? 0;

    /// <summary>The model's batch, then the prefix cache, then the speculative decoder; a stage that throws leaves
    /// nothing of the earlier ones behind.</summary>
    public void Open()
    {
        try
        {
            _batch = _createBatch(model, Math.Max(1, options.MaxBatchSize));
            _prefixCache = new PrefixCache(options.PrefixCacheBytes, options.PrefixCacheMinTokens);
            if (options.Speculative is { Enabled: true } speculative)
            {
                _speculative = new SpeculativeDecoder(speculative, _batch, model.EosTokenIds, _createBatch);
            }
            _stepTokens = new int[_batch.Capacity];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Admit(Slot slot)
    {
        slot.CachedPromptTokens = _prefixCache!.TryReuse(Batch, slot.Row, slot.Pending.PromptIds);
        slot.PromptDone = slot.CachedPromptTokens;
    }

    public void Prefill(ReadOnlySpan<Slot> slots, int budget, IStepSink sink)
    {
        var batch = Batch;
        var i = 0;
        while (i < slots.Length && budget > 0)
        {
            var s = slots[i];
            var prompt = s.Pending.PromptIds;
            var group = budget == int.MaxValue ? GroupFrom(slots, i) : 1;
            var take = Math.Min(prompt.Length - s.PromptDone, budget);
            try
            {
                if (group == 1 || !batch.TryPrefillMany(s.Row, _group))
                {
                    group = 1;
                    batch.Prefill(s.Row, prompt.AsSpan(s.PromptDone, take));
                }
            }
            catch (OnnxRuntimeException e)
            {
                for (var g = 0; g < group; g++)
                {
                    batch.Reset(slots[i + g].Row);
                    sink.Fail(slots[i + g], new GenerationException(GenerationErrorCode.Internal, $"ONNX Runtime failed on the prompt: {OrtErrors.Message(e)}", e));
                }
                // The rows after a failed one wait for the next round, when it has left: prompts complete in row order.
                return;
            }
            if (group == 1)
            {
                s.PromptDone += take;
                budget -= take;
            }
            var done = slots.Slice(i, group);
            var complete = group > 1 || s.PromptDone == prompt.Length;
            sink.Prefilled(done, complete);
            if (!complete)
            {
                return;
            }
            foreach (var d in done)
            {
                d.PromptDone = d.Pending.PromptIds.Length;
                _prefixCache!.Store(batch, d.Row, d.Pending.PromptIds);
                _speculative?.Begin(d.Row, d.Pending.PromptIds);
                sink.Accept(d, sink.Choose(d, batch.Logits(d.Row)));
            }
            i += group;
        }
    }

    /// <summary>How many slots from <paramref name="first"/> on share one prefill run (prompts of one length, nothing
    /// cached, within the batch's logits cap); their prompts are left in <c>_group</c>.</summary>
    private int GroupFrom(ReadOnlySpan<Slot> slots, int first)
    {
        _group.Clear();
        var length = slots[first].Pending.PromptIds.Length;
        if (slots[first].PromptDone > 0)
        {
            return 1;
        }
        var limit = Math.Min(Batch.MaxPrefillGroup(length), slots.Length - first);
        while (_group.Count < limit && slots[first + _group.Count] is { PromptDone: 0 } next && next.Pending.PromptIds.Length == length)
        {
            _group.Add(next.Pending.PromptIds);
        }
        return _group.Count;
    }

    /// <summary>One batched decode run over every decoding slot (or a draft-and-verify step), then each one's token.</summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<Slot> slots, IStepSink sink)
    {
        if (_speculative is { } speculative && speculative.TryStep(slots, sink))
        {
            return;
        }
        var batch = Batch;
        var n = slots.Length;
        for (var i = 0; i < n; i++)
        {
            _stepTokens[i] = slots[i].NextToken;
        }
        batch.Decode(_stepTokens.AsSpan(0, n));
        sink.Ran(slots);
        for (var i = 0; i < n; i++)
        {
            var s = slots[i];
            if (!s.Finished)
            {
                sink.Accept(s, sink.Choose(s, batch.Logits(i)));
            }
        }
    }

    public void Release(Slot slot)
    {
        Batch.Reset(slot.Row);
        _speculative?.Reset(slot.Row);
    }

    public void Move(int from, int to)
    {
        Batch.Move(from, to);
        _speculative?.Move(from, to);
    }

    public EngineStats Describe(EngineStats stats) => stats with
    {
        PrefixCacheBytes = _prefixCache?.Bytes ?? 0,
        PrefixCacheHits = _prefixCache?.Hits ?? 0,
        DraftedTokens = _speculative?.DraftedTokens ?? 0,
        AcceptedDraftTokens = _speculative?.AcceptedDraftTokens ?? 0,
        VerifySteps = _speculative?.VerifySteps ?? 0,
    };

    public void Dispose()
    {
        _speculative?.Dispose();
        _speculative = null;
        _prefixCache?.Dispose();
        _prefixCache = null;
        _batch?.Dispose();
        _batch = null;
    }
}
