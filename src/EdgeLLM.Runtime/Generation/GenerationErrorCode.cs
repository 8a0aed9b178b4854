namespace EdgeLLM.Runtime.Generation;

/// <summary>Error codes of the contract's error final, shared by every transport.</summary>
public enum GenerationErrorCode
{
    BadRequest,
    PayloadTooLarge,
    ContextOverflow,
    OverBudget,
    Overloaded,
    ModelUnavailable,
    DeadlineExceeded,
    Internal,
}
