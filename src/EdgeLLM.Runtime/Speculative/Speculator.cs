using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Speculative;

/// <summary>
/// The draft side of speculative decoding for one batch: per batch slot the adaptive draft length k, and for a
/// draft model its own KV batch, slot for slot with the target's, kept in step with each sequence's accepted tokens.
/// Drafts are deterministic (the draft model's argmax, or the prompt-lookup continuation), which is what
/// <see cref="TokenSampler.Verify"/> assumes. Every buffer is sized once: drafting allocates nothing per token.
/// </summary>
internal sealed class Speculator : IDisposable
{
    /// <summary>Catch-up runs longer than this (a new sequence's prompt) are prefilled, so the logits of every
    /// position are not kept for a whole prompt.</summary>
    private const int MaxExtendCatchUp = 8;

    private readonly SpeculativeOptions _options;
    private readonly IDecodeBatch? _draft;
    private readonly int[] _k;
    private readonly int[] _proposals;
    private readonly int[] _proposalCounts;
    private readonly bool[] _closed;
    private readonly int[] _runTokens;
    private readonly IReadOnlySet<int> _eos;
    private int _recentK;

    public Speculator(SpeculativeOptions options, int capacity, int maxLength, IReadOnlySet<int> eosTokenIds, Func<Models.LanguageModel, int, IDecodeBatch> createBatch)
    {
        _options = options;
        _eos = eosTokenIds;
        _recentK = options.InitialDraftTokens;
        MaxDraftTokens = options.MaxDraftTokens;
        if (options.Draft is { } draft)
        {
            _draft = createBatch(draft, capacity);
            if (_draft.Capacity < capacity)
            {
                _draft.Dispose();
                throw new InvalidOperationException(
                    $"draft {draft.Identity.Id} holds {_draft.Capacity} sequence(s) (growing KV cache) but the model batches {capacity}: " +
                    "give the draft past_present_share_buffer or set the batch size to 1");
            }
            if (_draft.MaxLength < maxLength)
            {
                _draft.Dispose();
                throw new InvalidOperationException($"draft {draft.Identity.Id} holds {_draft.MaxLength} positions, fewer than the model's {maxLength}");
            }
        }
        _k = new int[capacity];
        _proposals = new int[capacity * MaxDraftTokens];
        _proposalCounts = new int[capacity];
        _closed = new bool[capacity];
        _runTokens = new int[capacity];
    }

    public int MaxDraftTokens { get; }

    /// <summary>A new sequence starts in <paramref name="slot"/>, with the k the last verified sequence had reached:
    /// acceptance depends on the draft pair and the task more than on the request, and answers shorter than the
    /// ramp from the initial k would otherwise never draft at full length.
    /// The draft reads the prompt now, with the model's prefill: prompt work belongs to the time to first token,
    /// not to the decode steps that drafting is meant to speed up.</summary>
    public void Begin(int slot, ReadOnlySpan<int> prompt)
    {
        _k[slot] = _recentK;
        if (_draft is null)
        {
            return;
        }
        if (_draft.Length(slot) > 0)
        {
            _draft.Reset(slot);
        }
        _draft.Prefill(slot, prompt);
    }

    /// <summary>Mirrors the engine's compaction.</summary>
    public void Move(int from, int to)
    {
        _draft?.Move(from, to);
        _k[to] = _k[from];
    }

    /// <summary>Mirrors the engine's reset of a slot.</summary>
    public void Reset(int slot) => _draft?.Reset(slot);

    /// <summary>How many tokens a slot would like drafted now (its adaptive k).</summary>
    public int Budget(int slot) => _k[slot];

    public ReadOnlySpan<int> Proposal(int slot) => _proposals.AsSpan(slot * MaxDraftTokens, _proposalCounts[slot]);

    /// <summary>
    /// Drafts for slots 0..n-1: slot i gets up to <c>want[i]</c> tokens (0: none) continuing its sequence's history
    /// (prompt and accepted tokens). Read them with <see cref="Proposal"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Propose(int n, ReadOnlySpan<int> want, ReadOnlySpan<Slot> slots)
    {
        for (var i = 0; i < n; i++)
        {
            _proposalCounts[i] = 0;
            _closed[i] = false;
        }
        if (_draft is null)
        {
            for (var i = 0; i < n; i++)
            {
                if (want[i] > 0)
                {
                    _proposalCounts[i] = PromptLookup.Propose(slots[i].HistorySpan, _options.PromptLookupMaxNgram,
                        _proposals.AsSpan(i * MaxDraftTokens, want[i]));
                }
            }
            return;
        }
        ProposeWithModel(n, want, slots);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProposeWithModel(int n, ReadOnlySpan<int> want, ReadOnlySpan<Slot> slots)
    {
        var draft = _draft!;
        var every = true;
        var steps = 0;
        for (var i = 0; i < n; i++)
        {
            if (want[i] == 0)
            {
                every = false;
                continue;
            }
            // Catch up: the draft's KV must hold the sequence's history. A long gap (a new sequence's prompt) is
            // prefilled, keeping only its last logits; the last token(s) run with every position's logits kept.
            var s = slots[i];
            var have = draft.Length(i);
            if (s.HistoryLength - have > MaxExtendCatchUp)
            {
                draft.Prefill(i, s.History.AsSpan(have, s.HistoryLength - have - 1));
                have = s.HistoryLength - 1;
            }
            draft.Extend(i, s.History.AsSpan(have, s.HistoryLength - have));
            Add(i, TokenSampler.ArgMax(draft.ExtendLogits(s.HistoryLength - have - 1)), want[i]);
            steps = Math.Max(steps, _proposalCounts[i] < want[i] ? want[i] : 0);
        }
        // Further draft tokens: one batched one-token run per position when every sequence drafts (slots that have
        // enough ride along; their extra positions are cut off in Verified), else one run per sequence.
        var room = draft.MaxLength;
        for (var i = 0; i < n; i++)
        {
            room = Math.Min(room, draft.MaxLength - draft.Length(i));
        }
        if (every && n > 1 && room >= steps)
        {
            for (var j = 1; j < steps; j++)
            {
                for (var i = 0; i < n; i++)
                {
                    _runTokens[i] = _proposals[i * MaxDraftTokens + _proposalCounts[i] - 1];
                }
                draft.Decode(_runTokens.AsSpan(0, n));
                for (var i = 0; i < n; i++)
                {
                    if (_proposalCounts[i] == j && !_closed[i])
                    {
                        Add(i, TokenSampler.ArgMax(draft.Logits(i)), want[i]);
                    }
                }
            }
            return;
        }
        for (var i = 0; i < n; i++)
        {
            while (_proposalCounts[i] > 0 && _proposalCounts[i] < want[i] && !_closed[i])
            {
                draft.Extend(i, _proposals.AsSpan(i * MaxDraftTokens + _proposalCounts[i] - 1, 1));
                Add(i, TokenSampler.ArgMax(draft.ExtendLogits(0)), want[i]);
            }
        }
    }

    /// <summary>Appends a drafted token; an end of sequence closes the draft (nothing after it could be kept).</summary>
    private void Add(int slot, int token, int want)
    {
        _proposals[slot * MaxDraftTokens + _proposalCounts[slot]++] = token;
        _closed[slot] = _eos.Contains(token) || _proposalCounts[slot] >= want;
    }

    /// <summary>
    /// After verification: <paramref name="accepted"/> of the slot's <paramref name="proposed"/> tokens were kept
    /// (its history held <paramref name="historyBefore"/> tokens before them). Adapts k (+2 when every token was
    /// accepted, −1 otherwise) and cuts the draft's KV back to the tokens it shares with the sequence.
    /// </summary>
    public void Verified(int slot, int historyBefore, int proposed, int accepted)
    {
        _k[slot] = accepted == proposed ? Math.Min(_k[slot] + 2, MaxDraftTokens) : Math.Max(1, _k[slot] - 1);
        _recentK = _k[slot];
        if (_draft is null || proposed == 0)
        {
            return;
        }
        // The draft holds the history before the step and its own proposals but the last; keep what was accepted.
        var valid = historyBefore + Math.Min(accepted, proposed - 1);
        if (_draft.Length(slot) > valid)
        {
            _draft.Truncate(slot, valid);
        }
    }

    /// <summary>Frees the draft's batch; the draft model belongs to whoever loaded it.</summary>
    public void Dispose() => _draft?.Dispose();
}
