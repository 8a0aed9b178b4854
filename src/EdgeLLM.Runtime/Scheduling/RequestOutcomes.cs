using EdgeLLM.Runtime.Generation;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// How an executor ends its requests' bookkeeping: the completed and failed counters and the failure log, one place
/// for both executors (and for the queue, which ends cancelled and expired requests before they start).
/// </summary>
internal sealed partial class RequestOutcomes(string modelId, ILogger logger, TimeProvider time)
{
    private long _completed;
    private long _failed;

    /// <summary>Requests answered with a result (finished, stopped or cancelled), since the executor started.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Requests that ended with an error, since the executor started.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Counts a request that ran and was answered.</summary>
    public void CountCompleted() => Interlocked.Increment(ref _completed);

    /// <summary>Answers a request that never reached the engine with its one (empty) result.</summary>
    public void CompleteWithoutRunning(PendingRequest pending, FinishReason reason)
    {
        // Counted before the answer goes out, so that whoever sees the answer sees it in the stats.
        CountCompleted();
        pending.CompleteUnstarted(modelId, reason, time.GetUtcNow());
    }

    /// <summary>Ends a request with an error.</summary>
    public void Fail(PendingRequest pending, GenerationException error)
    {
        Interlocked.Increment(ref _failed);
        pending.Fail(error);
        LogRequestFailed(logger, pending.Request.Id, error.WireCode, error.Message);
    }

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Request {Id} failed with {Code}: {Message}")]
    private static partial void LogRequestFailed(ILogger logger, string id, string code, string message);
}
