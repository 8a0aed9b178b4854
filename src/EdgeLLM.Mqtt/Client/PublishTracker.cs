namespace EdgeLLM.Mqtt;

/// <summary>
/// Publishes waiting for the broker's acknowledgement, by message id. Whoever removes an entry completes it, so each
/// completes exactly once. The publish path holds <see cref="SyncRoot"/> from the native publish call until the entry
/// is registered, and acknowledgements take the same lock, so an acknowledgement can never arrive for an id that is
/// not registered yet.
/// </summary>
internal sealed class PublishTracker
{
    private const int MaxPooled = 1024;
    private readonly Dictionary<int, PublishCompletion> _pending = [];
    private readonly Stack<PublishCompletion> _pool = new();

    public object SyncRoot { get; } = new();

    public int PendingCount
    {
        get
        {
            lock (SyncRoot)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Pending publishes; the caller holds <see cref="SyncRoot"/>.</summary>
    public int PendingCountWhileLocked => _pending.Count;

    /// <summary>Registers a publish libmosquitto accepted under <paramref name="mid"/>. Caller holds <see cref="SyncRoot"/>.</summary>
    public PublishCompletion Register(int mid, MqttQualityOfService qos, string topic)
    {
        PublishCompletion completion = _pool.Count > 0 ? _pool.Pop() : new PublishCompletion(this);
        completion.Mid = mid;
        completion.QualityOfService = qos;
        completion.Topic = topic;
        _pending[mid] = completion;
        return completion;
    }

    /// <summary>PUBACK/PUBCOMP (or a QoS 0 write) for <paramref name="mid"/>; reason codes from 0x80 fail the publish.</summary>
    public void Acknowledge(int mid, int reasonCode)
    {
        PublishCompletion? completion;
        lock (SyncRoot)
        {
            if (!_pending.Remove(mid, out completion))
            {
                return;
            }
        }
        if (reasonCode < 0x80)
        {
            completion.Succeed();
        }
        else
        {
            completion.Fail(MqttException.FromReason($"Publishing to '{completion.Topic}'", reasonCode));
        }
    }

    /// <summary>Stops waiting for <paramref name="completion"/> (its token was cancelled); the message itself may still go out.</summary>
    public void Cancel(PublishCompletion completion, CancellationToken token)
    {
        lock (SyncRoot)
        {
            if (!_pending.TryGetValue(completion.Mid, out PublishCompletion? current) || !ReferenceEquals(current, completion))
            {
                return;
            }
            _pending.Remove(completion.Mid);
        }
        completion.Fail(new OperationCanceledException(token));
    }

    /// <summary>
    /// Fails the QoS 0 publishes not yet written: libmosquitto drops them with the connection and never reports them.
    /// QoS 1 and 2 stay: libmosquitto resends them after reconnecting.
    /// </summary>
    public void FailUnsentQos0(string reason)
    {
        List<PublishCompletion>? failed = null;
        lock (SyncRoot)
        {
            foreach ((int mid, PublishCompletion completion) in _pending)
            {
                if (completion.QualityOfService == MqttQualityOfService.AtMostOnce)
                {
                    (failed ??= []).Add(completion);
                }
            }
            if (failed is null)
            {
                return;
            }
            foreach (PublishCompletion completion in failed)
            {
                _pending.Remove(completion.Mid);
            }
        }
        foreach (PublishCompletion completion in failed)
        {
            completion.Fail(new MqttException($"Publishing to '{completion.Topic}' at QoS 0 failed: {reason}", MqttErrorCode.ConnectionLost));
        }
    }

    /// <summary>Fails every pending publish (the client stopped, so libmosquitto's queue is gone).</summary>
    public void FailAll(string reason)
    {
        PublishCompletion[] failed;
        lock (SyncRoot)
        {
            failed = [.. _pending.Values];
            _pending.Clear();
        }
        foreach (PublishCompletion completion in failed)
        {
            completion.Fail(new MqttException(
                $"Publishing to '{completion.Topic}' at QoS {(int)completion.QualityOfService} was not acknowledged: {reason}",
                MqttErrorCode.NoConnection));
        }
    }

    public void Return(PublishCompletion completion)
    {
        lock (SyncRoot)
        {
            if (_pool.Count < MaxPooled)
            {
                _pool.Push(completion);
            }
        }
    }
}
