using System.Text;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// Everything about one request in a batch row, in one place (llama.cpp's <c>server_slot</c>): its state, the row it
/// occupies, how much of its prompt is in, its sampler, history, detokenizer, stop strings, constraint cursor, energy
/// and draft counters. The loop owns it; a backend reads it and keeps its own native state by <see cref="Row"/>.
/// </summary>
internal sealed class Slot
{
    /// <param name="pending">The request.</param>
    /// <param name="row">The batch row it starts in.</param>
    /// <param name="sampler">Chooses its tokens from logits; null where the backend chooses them itself.</param>
    /// <param name="stream">Its detokenizer.</param>
    /// <param name="maxLength">Positions a sequence may hold (the history's size).</param>
    /// <param name="constrain">True where the loop masks logits by the request's constraint (a backend that enforces
    /// the constraint itself gets no cursor).</param>
    public Slot(PendingRequest pending, int row, TokenSampler? sampler, TokenizerStream stream, int maxLength, bool constrain)
    {
        Pending = pending;
        Row = row;
        Sampler = sampler;
        Stream = stream;
        // One spare position: the token that fills the context is taken before the loop sees the context is full.
        History = new int[Math.Max(maxLength, pending.PromptIds.Length) + 1];
        pending.PromptIds.CopyTo(History, 0);
        HistoryLength = pending.PromptIds.Length;
        sampler?.Reset(pending.Sampling);
        Constraint = constrain ? pending.Constraint?.CreateCursor() : null;
        // Stop strings do not apply to a constrained answer (they could cut the value), on every backend.
        Stops.Reset(pending.Constraint is null ? pending.Request.Stop : []);
    }

    public PendingRequest Pending { get; }

    public SlotState State { get; set; } = SlotState.Prefilling;

    /// <summary>The batch row: slots decoding hold rows 0..n-1, those still prefilling the rows after them.</summary>
    public int Row { get; set; }

    /// <summary>Prompt tokens already in the model's cache (a reused prefix, then each prefilled chunk).</summary>
    public int PromptDone { get; set; }

    /// <summary>Prompt tokens taken from the prefix cache.</summary>
    public int CachedPromptTokens { get; set; }

    /// <summary>Where the answer stands in its constraint; null for free text or a backend that enforces it.</summary>
    public ConstraintCursor? Constraint { get; }

    public TokenSampler? Sampler { get; }

    public TokenizerStream Stream { get; }

    public StopStringMatcher Stops { get; } = new();

    /// <summary>Prompt and generated ids (the repetition penalty's and prompt lookup's view of the sequence).</summary>
    public int[] History { get; }

    public int HistoryLength { get; set; }

    public ReadOnlySpan<int> HistorySpan => History.AsSpan(0, HistoryLength);

    public List<int> Generated { get; } = [];

    public StringBuilder Text { get; } = new();

    /// <summary>The token the next decode step feeds (the last one accepted).</summary>
    public int NextToken { get; set; }

    public DateTimeOffset? FirstTokenAt { get; set; }

    public double EnergyJ { get; set; }

    /// <summary>Tokens a draft proposed for this sequence (speculative decoding).</summary>
    public int DraftedTokens { get; set; }

    /// <summary>Drafted tokens the model accepted.</summary>
    public int AcceptedDraftTokens { get; set; }

    public bool Finished => State == SlotState.Finished;

    /// <summary>True while the slot still runs and its caller has not cancelled it.</summary>
    public bool Live => State != SlotState.Finished && !Pending.Cancelled;
}
