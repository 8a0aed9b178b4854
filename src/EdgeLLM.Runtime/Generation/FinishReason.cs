namespace EdgeLLM.Runtime.Generation;

/// <summary>Why a completion ended (the contract's <c>finish_reason</c>).</summary>
public enum FinishReason
{
    /// <summary>An end-of-sequence token or a stop string.</summary>
    Stop,

    /// <summary><c>max_tokens</c> reached, or the model's context length (then <see cref="GenerationResult.ContextExhausted"/> is set).</summary>
    Length,

    /// <summary>The request's energy cap was spent.</summary>
    Budget,

    /// <summary>The caller cancelled, or the service stopped before the request finished.</summary>
    Cancelled,
}
