using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// The waiting side of an executor, shared by both: the priority queue (priority first, then arrival), the
/// <c>overloaded</c> limit, cancellation from the caller's token or from a consumer that stops reading, and the
/// wake-up signal of the executor's loop thread. Requests are prepared by the executor; the queue hands each one
/// back as a <see cref="GenerationStream"/>.
/// </summary>
internal sealed class RequestQueue(int maxQueued) : IDisposable
{
    private readonly PriorityQueue<PendingRequest, (int Priority, long Sequence)> _queue = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;
    private volatile bool _accepting = true;
    private volatile bool _cancelRequested;
    private volatile bool _shutdown;

    /// <summary>False once the executor stops taking requests.</summary>
    public bool IsAccepting => _accepting;

    /// <summary>Requests waiting to start.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>True once the loop should end (after the drain): what is still active ends cancelled.</summary>
    public bool ShutdownRequested => _shutdown;

    /// <summary>Refuses every later request (<see cref="GenerationErrorCode.ModelUnavailable"/>).</summary>
    public void StopAccepting() => _accepting = false;

    /// <summary>The loop found nothing running after requests stopped being accepted (or it ended).</summary>
    public void SignalDrained() => _drained.TrySetResult();

    /// <summary>
    /// An executor's stop: no new requests, the waiting ones ended by <paramref name="cancelWaiting"/>, the running
    /// ones given <paramref name="drain"/> (or until <paramref name="cancellationToken"/>) to finish, then the loop asked
    /// to end and <paramref name="loopEnded"/> awaited.
    /// </summary>
    public async Task StopAsync(Action<PendingRequest> cancelWaiting, TimeSpan drain, TimeProvider time, Task loopEnded, CancellationToken cancellationToken)
    {
        StopAccepting();
        CancelWaiting(cancelWaiting);
        Wake();
        await _drained.Task.WaitAsync(drain, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _shutdown = true;
        Wake();
        await loopEnded.ConfigureAwait(false);
    }

    /// <summary>Ends every waiting request with <paramref name="cancel"/> (stop, loop failure).</summary>
    public void CancelWaiting(Action<PendingRequest> cancel)
    {
        foreach (var p in TakeAll())
        {
            cancel(p);
        }
    }

    /// <summary><paramref name="executor"/>'s result for <paramref name="request"/>, with a refusal as a faulted task.</summary>
    public static Task<GenerationResult> ResultOf(IInferenceExecutor executor, GenerationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return executor.Stream(request, cancellationToken).Result;
        }
        catch (GenerationException e)
        {
            return Task.FromException<GenerationResult>(e);
        }
    }

    /// <summary>The arrival number of the next request; throws when the executor no longer takes requests.</summary>
    /// <exception cref="GenerationException">The executor is stopping.</exception>
    public long NextSequence()
    {
        if (!_accepting)
        {
            throw new GenerationException(GenerationErrorCode.ModelUnavailable, "the engine is stopping and takes no new requests");
        }
        return Interlocked.Increment(ref _sequence);
    }

    /// <summary>Queues a prepared request and wakes the loop.</summary>
    /// <exception cref="GenerationException"><see cref="GenerationErrorCode.Overloaded"/> when the queue is full.</exception>
    public GenerationStream Enqueue(PendingRequest pending, CancellationToken cancellationToken)
    {
        // Registered before the request can run, so that finishing it always finds the registration to remove.
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.Register(static state =>
            {
                var (queue, p) = ((RequestQueue, PendingRequest))state!;
                queue.Cancel(p);
            }, (this, pending));
        }
        lock (_gate)
        {
            if (_queue.Count >= maxQueued)
            {
                pending.Registration.Dispose();
                throw new GenerationException(GenerationErrorCode.Overloaded, $"{_queue.Count} requests are already waiting; try again later");
            }
            _queue.Enqueue(pending, Key(pending));
        }
        Wake();
        // The caller's token cancels the request itself (above); the enumeration's own token only stops the reading.
        return new GenerationStream(ReadDeltasAsync(pending, CancellationToken.None), pending.Result);
    }

    /// <summary>
    /// Takes the next request that may start, highest priority first; one whose caller cancelled, or whose start
    /// deadline has passed, is ended through <paramref name="outcomes"/> on the way.
    /// </summary>
    public bool TryTakeStartable(RequestOutcomes outcomes, TimeProvider time, [NotNullWhen(true)] out PendingRequest? pending)
    {
        while (TryDequeue(out pending))
        {
            if (pending.Cancelled)
            {
                outcomes.CompleteWithoutRunning(pending, FinishReason.Cancelled);
                continue;
            }
            if (pending.Request.StartDeadline is { } deadline && time.GetUtcNow() > deadline)
            {
                outcomes.Fail(pending, new GenerationException(GenerationErrorCode.DeadlineExceeded,
                    $"the request could not start before its deadline ({(deadline - pending.Request.ReceivedAt).TotalMilliseconds:F0} ms after it arrived)"));
                continue;
            }
            return true;
        }
        return false;
    }

    private bool TryDequeue([NotNullWhen(true)] out PendingRequest? pending)
    {
        lock (_gate)
        {
            return _queue.TryDequeue(out pending, out _);
        }
    }

    private List<PendingRequest> TakeAll()
    {
        lock (_gate)
        {
            var all = new List<PendingRequest>(_queue.Count);
            while (_queue.TryDequeue(out var p, out _))
            {
                all.Add(p);
            }
            return all;
        }
    }

    /// <summary>Takes the waiting requests whose callers cancelled, keeping the others in their order.</summary>
    public List<PendingRequest> TakeCancelled()
    {
        List<PendingRequest> cancelled = [];
        lock (_gate)
        {
            var keep = new List<PendingRequest>(_queue.Count);
            while (_queue.TryDequeue(out var p, out _))
            {
                (p.Cancelled ? cancelled : keep).Add(p);
            }
            foreach (var p in keep)
            {
                _queue.Enqueue(p, Key(p));
            }
        }
        return cancelled;
    }

    /// <summary>True once after a caller cancelled (the loop then looks for cancelled requests).</summary>
    public bool TakeCancelRequest()
    {
        if (!_cancelRequested)
        {
            return false;
        }
        _cancelRequested = false;
        return true;
    }

    /// <summary>Wakes the loop thread if it is waiting for work.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Blocks the loop thread until <see cref="Wake"/> or <paramref name="tick"/> (the heartbeat's period).</summary>
    public void WaitForWork(TimeSpan tick) => _wake.Wait(tick);

    public void Dispose() => _wake.Dispose();

    private static (int Priority, long Sequence) Key(PendingRequest p) => (-(int)p.Request.Priority, p.SequenceNumber);

    private void Cancel(PendingRequest pending)
    {
        pending.Cancelled = true;
        _cancelRequested = true;
        Wake();
    }

    private async IAsyncEnumerable<GenerationDelta> ReadDeltasAsync(PendingRequest pending, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            // The request's own token cancels it (the loop ends it as cancelled); the enumeration's token only stops reading.
            await foreach (var delta in pending.Deltas.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return delta;
            }
        }
        finally
        {
            if (!pending.Result.IsCompleted)
            {
                // The consumer stopped reading: free its slot.
                Cancel(pending);
            }
        }
    }
}
