namespace EdgeLLM.Runtime.Generation;

/// <summary>A finished completion.</summary>
public sealed record GenerationResult(string Id, string Model, string Text, IReadOnlyList<int> TokenIds, FinishReason FinishReason, Usage Usage)
{
    /// <summary>True when generation stopped because the model's context was full, not at <c>max_tokens</c>.</summary>
    public bool ContextExhausted { get; init; }
}
