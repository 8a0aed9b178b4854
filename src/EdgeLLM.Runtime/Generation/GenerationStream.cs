namespace EdgeLLM.Runtime.Generation;

/// <summary>
/// One accepted completion: its text as it is generated (<see cref="GenerationDelta"/>s, read at most once) and,
/// separately, its one final result. A request that cannot be accepted never becomes a stream: the call that would
/// start it throws <see cref="GenerationException"/>. A request that fails after it was accepted ends its deltas
/// and faults <see cref="Result"/> with a <see cref="GenerationException"/>, so a consumer reads the deltas it wants
/// and then awaits <see cref="Result"/>, the one place where the outcome arrives.
/// </summary>
/// <remarks>Stopping the enumeration of the deltas before they end cancels the request (its result is then
/// <see cref="FinishReason.Cancelled"/>); a consumer that only wants the result awaits <see cref="Result"/> alone.</remarks>
/// <param name="deltas">The text deltas, in order.</param>
/// <param name="result">Completes once with the finished completion, or faults with the error that ended it.</param>
public sealed class GenerationStream(IAsyncEnumerable<GenerationDelta> deltas, Task<GenerationResult> result) : IAsyncEnumerable<GenerationDelta>
{
    /// <summary>The finished completion (exactly one per accepted request), or the <see cref="GenerationException"/> that ended it.</summary>
    public Task<GenerationResult> Result { get; } = result;

    /// <summary>The same deltas with another result task: what a layer that observes the outcome (metrics) hands on.</summary>
    public GenerationStream WithResult(Task<GenerationResult> observed) => new(deltas, observed);

    /// <inheritdoc />
    public IAsyncEnumerator<GenerationDelta> GetAsyncEnumerator(CancellationToken cancellationToken = default) => deltas.GetAsyncEnumerator(cancellationToken);
}
