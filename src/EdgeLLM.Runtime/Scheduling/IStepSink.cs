using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// The loop's side of a step, which a backend calls as its runs finish: the token events of its slots and what the
/// run cost. Every decision about a request (end of sequence, stop strings, limits, energy cap, cancellation, the
/// final result) is taken behind these calls, once for every backend. Calls come on the loop thread only.
/// </summary>
internal interface IStepSink
{
    /// <summary>
    /// The model ran for <paramref name="slots"/>: each pays its share of the time and energy since the last charge;
    /// those cancelled or over their energy cap end here, so the backend hands tokens only to slots still live.
    /// </summary>
    void Ran(ReadOnlySpan<Slot> slots);

    /// <summary>
    /// Prompt tokens of <paramref name="slots"/> went in: they pay the prefill's time and energy. With
    /// <paramref name="complete"/> their prompts are whole and they decode from the next step (in row order: the
    /// first of them is the first slot still prefilling).
    /// </summary>
    void Prefilled(ReadOnlySpan<Slot> slots, bool complete);

    /// <summary>The next token of a slot from its logits row: masked by its constraint, then sampled.</summary>
    int Choose(Slot slot, Span<float> logits);

    /// <summary>Takes a token for a slot: end of sequence, text, stop strings, constraint, length limits.</summary>
    void Accept(Slot slot, int token);

    /// <summary>The backend ended a slot's turn itself (its own stop, length or cancel).</summary>
    void End(Slot slot, FinishReason reason, bool contextExhausted = false);

    /// <summary>The backend failed a slot's request; the error is its final.</summary>
    void Fail(Slot slot, GenerationException error);
}
