using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>How an executor ends a request that never starts (its counters and logs go with it).</summary>
internal interface IRequestOutcomes
{
    /// <summary>Answers a request that never reached a slot with its one (empty) result.</summary>
    void CompleteWithoutRunning(PendingRequest pending, FinishReason reason);

    /// <summary>Ends a request with an error.</summary>
    void Fail(PendingRequest pending, GenerationException error);
}
