using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;
using EdgeLLM.Runtime.Tests.Scheduling;

namespace EdgeLLM.Runtime.Tests.Speculative;

/// <summary>
/// <see cref="SpeculativeDecoder"/> over a bigram "model" (each token's successor is fixed) with prompt-lookup drafts,
/// so every proposal, acceptance and cache length is known: the output is the model's own chain whatever is drafted,
/// the cache keeps exactly the accepted tokens, drafts stop short of max_tokens and the context, and the counters add up.
/// </summary>
public class SpeculativeDecoderTests(LoopModelFixture fixture) : IClassFixture<LoopModelFixture>
{
    private const int Vocab = 16;
    private const int Eos = 15;

    /// <summary>1 → 2 → 3 → 4 → 1 …: prompts that repeat the cycle are drafted right.</summary>
    private static int Cycle(int t) => t % 4 + 1;

    private Slot NewSlot(int row, int[] prompt, int maxTokens, bool constrained = false)
    {
        var request = new GenerationRequest { Id = $"r{row}", Prompt = "x", Constraint = constrained ? OutputConstraint.JsonObject : null };
        var pending = new PendingRequest(request, prompt, SamplingOptions.Greedy, maxTokens, row)
        {
            Constraint = ConstraintAdmission.Compile(new ConstraintCache(fixture.Model.Tokenizer), request, maxTokens, 64),
        };
        return new Slot(pending, row, new TokenSampler(Vocab), fixture.Model.Tokenizer.CreateStream(), 64, constrain: constrained) { State = SlotState.Decoding };
    }

    /// <summary>Slots whose prompts are in the batch and whose first token (from the prompt's logits) is taken.</summary>
    private static void Begin(SpeculativeDecoder decoder, FakeBatch batch, Sink sink, params Slot[] slots)
    {
        foreach (var s in slots)
        {
            batch.Prefill(s.Row, s.Pending.PromptIds);
            decoder.Begin(s.Row, s.Pending.PromptIds);
            sink.Accept(s, sink.Choose(s, batch.Logits(s.Row)));
        }
    }

    /// <summary>Steps until every slot is finished: a speculative step where any slot drafts, else a plain batched
    /// decode (what the batch backend does). Checks after each that the cache holds every token but the next one.</summary>
    private static int RunToEnd(SpeculativeDecoder decoder, FakeBatch batch, Sink sink, Slot[] slots)
    {
        var verifySteps = 0;
        while (slots.Any(s => !s.Finished))
        {
            if (decoder.TryStep(slots, sink))
            {
                verifySteps++;
            }
            else
            {
                batch.Decode([.. slots.Select(s => s.NextToken)]);
                sink.Ran(slots);
                foreach (var s in slots.Where(s => !s.Finished))
                {
                    sink.Accept(s, sink.Choose(s, batch.Logits(s.Row)));
                }
            }
            foreach (var s in slots.Where(s => !s.Finished))
            {
                Assert.Equal(s.HistoryLength - 1, batch.Length(s.Row));
            }
        }
        return verifySteps;
    }

    private static int[] Chain(Func<int, int> next, int after, int count)
    {
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = after = next(after);
        }
        return tokens;
    }

    private static SpeculativeDecoder Decoder(FakeBatch batch, int maxDraft = 8) =>
        new(new SpeculativeOptions { PromptLookup = true, MaxDraftTokens = maxDraft, InitialDraftTokens = 4 }, batch, new HashSet<int> { Eos },
            (_, _) => throw new InvalidOperationException("prompt lookup opens no draft batch"));

    [Fact]
    public void Drafts_the_model_agrees_with_are_all_accepted_and_the_output_is_the_models_chain()
    {
        var batch = new FakeBatch(1, 64, Cycle);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var slot = NewSlot(0, [1, 2, 3, 4, 1, 2], maxTokens: 12);
        Begin(decoder, batch, sink, slot);
        var verifySteps = RunToEnd(decoder, batch, sink, [slot]);
        Assert.Equal(Chain(Cycle, 2, 12), slot.Generated);
        Assert.True(slot.DraftedTokens > 0);
        Assert.Equal(slot.DraftedTokens, slot.AcceptedDraftTokens);
        // k grows from 4 while every draft is taken: 4 + 1 tokens, then up to 6 + 1; 12 tokens take the first and two steps.
        Assert.Equal(2, verifySteps);
        Assert.Equal(verifySteps, decoder.VerifySteps);
        Assert.Equal(slot.DraftedTokens, decoder.DraftedTokens);
        Assert.Equal(slot.AcceptedDraftTokens, decoder.AcceptedDraftTokens);
        Assert.Equal(sink.Runs, verifySteps);
        // A lone drafting sequence needs no batched decode: one run verifies its token and its draft.
        Assert.Equal(0, batch.Decodes);
        Assert.Equal(verifySteps, batch.Extends);
    }

    [Fact]
    public void A_draft_is_never_longer_than_max_draft_tokens()
    {
        var batch = new FakeBatch(1, 64, Cycle);
        using var decoder = Decoder(batch, maxDraft: 4);
        var sink = new Sink();
        var slot = NewSlot(0, [1, 2, 3, 4, 1, 2, 3, 4], maxTokens: 40);
        Begin(decoder, batch, sink, slot);
        for (var step = 1; step <= 3; step++)
        {
            Assert.True(decoder.TryStep([slot], sink));
            Assert.Equal(4 * step, slot.DraftedTokens);
            Assert.Equal(1 + 5 * step, slot.Generated.Count);
        }
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new SpeculativeDecoder(new SpeculativeOptions { PromptLookup = true, MaxDraftTokens = 0 },
            new FakeBatch(1, 64, Cycle), new HashSet<int> { Eos }, (_, _) => throw new InvalidOperationException()));
        Assert.Contains("speculative decoding: MaxDraftTokens", e.Message);
    }

    [Fact]
    public void A_draft_model_drafts_through_its_own_batch_which_the_decoder_frees()
    {
        var batch = new FakeBatch(1, 64, Cycle);
        var draftBatch = new FakeBatch(1, 64, Cycle);
        var decoder = new SpeculativeDecoder(new SpeculativeOptions { Draft = fixture.Model, MaxDraftTokens = 4 }, batch, new HashSet<int> { Eos }, (_, _) => draftBatch);
        var sink = new Sink();
        // No repeats to look up: only a draft model can propose here.
        var slot = NewSlot(0, [1], maxTokens: 9);
        Begin(decoder, batch, sink, slot);
        RunToEnd(decoder, batch, sink, [slot]);
        Assert.Equal(Chain(Cycle, 1, 9), slot.Generated);
        Assert.True(slot.DraftedTokens > 0);
        Assert.Equal(slot.DraftedTokens, slot.AcceptedDraftTokens);
        Assert.False(draftBatch.Disposed);
        decoder.Dispose();
        Assert.True(draftBatch.Disposed);
    }

    [Fact]
    public void Rejected_drafts_leave_the_output_the_models_and_the_cache_without_them()
    {
        // The prompt repeats 7 8 9, but the model continues 8 with 10: every lookup draft is wrong at its first token.
        static int Next(int t) => t switch { 7 => 8, 8 => 10, 10 => 7, _ => 7 };
        var batch = new FakeBatch(1, 64, Next);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var slot = NewSlot(0, [7, 8, 9, 7, 8, 9, 7], maxTokens: 9);
        Begin(decoder, batch, sink, slot);
        RunToEnd(decoder, batch, sink, [slot]);
        Assert.Equal(Chain(Next, 7, 9), slot.Generated);
        Assert.True(slot.DraftedTokens > slot.AcceptedDraftTokens, $"{slot.AcceptedDraftTokens} of {slot.DraftedTokens}");
        Assert.Equal(slot.DraftedTokens, decoder.DraftedTokens);
        Assert.Equal(slot.AcceptedDraftTokens, decoder.AcceptedDraftTokens);
    }

    [Fact]
    public void With_nothing_to_draft_a_step_does_nothing_and_says_so()
    {
        var batch = new FakeBatch(1, 64, Cycle);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var slot = NewSlot(0, [5, 6, 7], maxTokens: 8);
        Begin(decoder, batch, sink, slot);
        Assert.False(decoder.TryStep([slot], sink));
        Assert.Equal(3, batch.Length(0));
        Assert.Single(slot.Generated);
        Assert.Equal(0, sink.Runs);
        Assert.Equal(0, decoder.VerifySteps);
    }

    [Fact]
    public void A_sequence_without_a_draft_steps_in_a_batched_decode_beside_one_that_drafts()
    {
        static int Next(int t) => t is >= 1 and <= 4 ? Cycle(t) : t is >= 5 and < 12 ? t + 1 : 5;
        var batch = new FakeBatch(2, 64, Next);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var drafting = NewSlot(0, [1, 2, 3, 4, 1, 2], maxTokens: 10);
        var plain = NewSlot(1, [5, 6], maxTokens: 5);
        Begin(decoder, batch, sink, drafting, plain);
        Assert.True(decoder.TryStep([drafting, plain], sink));
        Assert.Equal(1, batch.Decodes);
        // After the batched decode, one run over the draft verifies the rest of it.
        Assert.Equal(1, batch.Extends);
        Assert.Equal(2, plain.Generated.Count);
        Assert.True(drafting.Generated.Count > 2);
        RunToEnd(decoder, batch, sink, [drafting, plain]);
        Assert.Equal(Chain(Next, 2, 10), drafting.Generated);
        Assert.Equal(Chain(Next, 6, 5), plain.Generated);
        Assert.Equal(0, plain.DraftedTokens);
        Assert.Equal(drafting.DraftedTokens, drafting.AcceptedDraftTokens);
    }

    [Fact]
    public void A_rejected_first_draft_after_a_batched_decode_costs_no_verify_run()
    {
        static int Next(int t) => t switch { 7 => 8, 8 => 10, 10 => 7, 5 => 6, 6 => 11, _ => 5 };
        var batch = new FakeBatch(2, 64, Next);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var drafting = NewSlot(0, [7, 8, 9, 7, 8, 9, 7], maxTokens: 4);
        var plain = NewSlot(1, [5], maxTokens: 4);
        Begin(decoder, batch, sink, drafting, plain);
        Assert.True(decoder.TryStep([drafting, plain], sink));
        // The batched decode's logits already refused the first drafted token: no run over the draft.
        Assert.Equal(0, batch.Extends);
        Assert.Equal([8, 10], drafting.Generated);
        Assert.Equal(0, drafting.AcceptedDraftTokens);
        Assert.True(drafting.DraftedTokens > 0);
    }

    [Fact]
    public void Drafts_stop_short_of_max_tokens()
    {
        var batch = new FakeBatch(1, 64, Cycle);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var slot = NewSlot(0, [1, 2, 3, 4, 1, 2], maxTokens: 3);
        Begin(decoder, batch, sink, slot);
        Assert.True(decoder.TryStep([slot], sink));
        // One token taken, three allowed: one drafted, then the model's own token ends the answer.
        Assert.Equal(1, slot.DraftedTokens);
        Assert.Equal([3, 4, 1], slot.Generated);
        Assert.True(slot.Finished);
    }

    [Fact]
    public void Drafts_stop_short_of_the_context()
    {
        var batch = new FakeBatch(1, 10, Cycle);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var slot = NewSlot(0, [1, 2, 3, 4, 1, 2], maxTokens: 30);
        Begin(decoder, batch, sink, slot);
        Assert.True(decoder.TryStep([slot], sink));
        // Six positions held, ten allowed: room for the step's token, two drafts and one position more.
        Assert.Equal(2, slot.DraftedTokens);
        Assert.Equal([3, 4, 1, 2], slot.Generated);
        Assert.Equal(9, batch.Length(0));
    }

    [Fact]
    public void A_constrained_sequence_is_never_drafted_for()
    {
        var batch = new FakeBatch(2, 64, Cycle);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var free = NewSlot(0, [1, 2, 3, 4, 1, 2], maxTokens: 10);
        var constrained = NewSlot(1, [1, 2, 3, 4, 1, 2], maxTokens: 10, constrained: true);
        Assert.NotNull(constrained.Constraint);
        Begin(decoder, batch, sink, free, constrained);
        Assert.True(decoder.TryStep([free, constrained], sink));
        Assert.Equal(0, constrained.DraftedTokens);
        Assert.Equal([3, 4], constrained.Generated);
        Assert.True(free.DraftedTokens > 0);
    }

    [Fact]
    public void A_cancelled_sequence_gets_no_draft_and_no_token()
    {
        var batch = new FakeBatch(2, 64, Cycle);
        using var decoder = Decoder(batch);
        var sink = new Sink();
        var kept = NewSlot(0, [1, 2, 3, 4, 1, 2], maxTokens: 10);
        var cancelled = NewSlot(1, [1, 2, 3, 4, 1, 2], maxTokens: 10);
        Begin(decoder, batch, sink, kept, cancelled);
        cancelled.Pending.Cancelled = true;
        Assert.True(decoder.TryStep([kept, cancelled], sink));
        Assert.Equal(0, cancelled.DraftedTokens);
        Assert.Single(cancelled.Generated);
        Assert.True(kept.Generated.Count > 1);
        Assert.Equal(2, sink.LastRan);
        // The cancelled row has no draft, so the step went through a batched decode first.
        Assert.Equal(1, batch.Decodes);
    }

    /// <summary>The loop's side, reduced to what the decoder relies on: greedy choice, history, max tokens, end of sequence.</summary>
    private sealed class Sink : IStepSink
    {
        public int Runs { get; private set; }

        public int LastRan { get; private set; }

        public void Ran(ReadOnlySpan<Slot> slots)
        {
            Runs++;
            LastRan = slots.Length;
        }

        public int Choose(Slot slot, Span<float> logits) => slot.Sampler!.Next(logits, slot.HistorySpan);

        public void Accept(Slot slot, int token)
        {
            Assert.False(slot.Finished, "a token for a finished slot");
            slot.Generated.Add(token);
            slot.History[slot.HistoryLength++] = token;
            slot.NextToken = token;
            if (token == Eos || slot.Generated.Count >= slot.Pending.MaxTokens)
            {
                slot.State = SlotState.Finished;
            }
        }

        public void Prefilled(ReadOnlySpan<Slot> slots, bool complete) => throw new NotSupportedException();

        public void End(Slot slot, FinishReason reason, bool contextExhausted = false) => throw new NotSupportedException();

        public void Fail(Slot slot, GenerationException error) => throw new NotSupportedException();
    }

    /// <summary>A batch whose logits put all weight on <paramref name="next"/> of a position's token.</summary>
    private sealed unsafe class FakeBatch(int capacity, int maxLength, Func<int, int> next) : IDecodeBatch
    {
        private readonly List<int>[] _rows = [.. Enumerable.Range(0, capacity).Select(_ => new List<int>())];
        private int[] _extended = [];

        public int Decodes { get; private set; }

        public int Extends { get; private set; }

        public int Capacity => capacity;

        public int MaxLength => maxLength;

        public int VocabSize => Vocab;

        public long KvBytes => 0;

        public long DecodeRunTicks => 0;

        public bool SupportsPrefixReuse => false;

        public int Length(int slot) => _rows[slot].Count;

        public void Prefill(int slot, ReadOnlySpan<int> tokens) => _rows[slot].AddRange(tokens.ToArray());

        public bool TryPrefillMany(int firstSlot, IReadOnlyList<int[]> prompts) => false;

        public int MaxPrefillGroup(int length) => 1;

        public void Decode(ReadOnlySpan<int> tokens)
        {
            Decodes++;
            for (var i = 0; i < tokens.Length; i++)
            {
                _rows[i].Add(tokens[i]);
            }
        }

        public Span<float> Logits(int slot) => OneHot(next(_rows[slot][^1]));

        public void Reset(int slot) => _rows[slot].Clear();

        public void Move(int from, int to)
        {
            _rows[to].Clear();
            _rows[to].AddRange(_rows[from]);
            _rows[from].Clear();
        }

        public long PrefixBytes(int length) => 0;

        public void ExportPrefix(int slot, int length, byte* block) => throw new NotSupportedException();

        public void ImportPrefix(int slot, int length, byte* block, int blockLength) => throw new NotSupportedException();

        public void Extend(int slot, ReadOnlySpan<int> tokens)
        {
            Extends++;
            Assert.True(_rows[slot].Count + tokens.Length <= maxLength, "a run past the context");
            _rows[slot].AddRange(tokens.ToArray());
            _extended = tokens.ToArray();
        }

        public Span<float> ExtendLogits(int position) => OneHot(next(_extended[position]));

        public void Truncate(int slot, int length) => _rows[slot].RemoveRange(length, _rows[slot].Count - length);

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;

        private static float[] OneHot(int token)
        {
            var logits = new float[Vocab];
            logits[token] = 1;
            return logits;
        }
    }
}
