namespace EdgeLLM.Runtime.Generation;

/// <summary>A request that cannot be served, with the contract's error code and a message naming the cause.</summary>
public sealed class GenerationException : Exception
{
    public GenerationException(GenerationErrorCode code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    public GenerationErrorCode Code { get; }

    /// <summary>
    /// The request field at fault as the contract names it (<c>messages</c>, <c>prompt</c>, <c>max_tokens</c>,
    /// <c>response_format</c>, <c>messages[1].content</c>), or null when no single field is (an overloaded queue, a
    /// failed model). The REST API answers it as OpenAI's <c>param</c>.
    /// </summary>
    public string? Field { get; init; }

    /// <summary>The code as the contract spells it (<c>bad_request</c>, <c>context_overflow</c>, ...).</summary>
    public string WireCode => ToWire(Code);

    public static string ToWire(GenerationErrorCode code) => code switch
    {
        GenerationErrorCode.BadRequest => "bad_request",
        GenerationErrorCode.PayloadTooLarge => "payload_too_large",
        GenerationErrorCode.ContextOverflow => "context_overflow",
        GenerationErrorCode.OverBudget => "over_budget",
        GenerationErrorCode.Overloaded => "overloaded",
        GenerationErrorCode.ModelUnavailable => "model_unavailable",
        GenerationErrorCode.DeadlineExceeded => "deadline_exceeded",
        _ => "internal",
    };
}
