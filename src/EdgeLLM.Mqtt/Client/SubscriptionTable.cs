using EdgeLLM.Mqtt.Native;

namespace EdgeLLM.Mqtt;

/// <summary>
/// The subscriptions the caller asked for, and what the broker has confirmed. On every reconnect it re-sends what the
/// broker may not have: everything when the broker reports no session, and in any case the SUBSCRIBE and UNSUBSCRIBE
/// packets whose acknowledgement never came (libmosquitto drops unsent packets with the connection). Callers waiting
/// on such a packet keep waiting for the re-sent one.
/// </summary>
internal sealed class SubscriptionTable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Subscription> _subscribeMids = [];
    private readonly Dictionary<string, PendingUnsubscribe> _unsubscribes = new(StringComparer.Ordinal);
    private readonly Dictionary<int, PendingUnsubscribe> _unsubscribeMids = [];

    /// <summary>Filters currently wanted, confirmed or not.</summary>
    public IReadOnlyCollection<string> Filters
    {
        get
        {
            lock (_lock)
            {
                return [.. _subscriptions.Keys];
            }
        }
    }

    /// <summary>
    /// Records the subscription and sends SUBSCRIBE. While disconnected the packet goes out after the reconnect; the
    /// returned task completes on SUBACK.
    /// </summary>
    public Task<MqttQualityOfService> Subscribe(MosquittoHandle handle, string filter, MqttQualityOfService qos, MqttSubscriptionOptions options)
    {
        var waiter = new TaskCompletionSource<MqttQualityOfService>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_unsubscribes.Remove(filter, out PendingUnsubscribe? superseded))
            {
                _unsubscribeMids.Remove(superseded.Mid);
                superseded.Fail(new MqttException($"Unsubscribing from '{filter}' was superseded by a new subscription.", MqttErrorCode.Success));
            }
            if (!_subscriptions.TryGetValue(filter, out Subscription? subscription))
            {
                subscription = new Subscription(filter);
                _subscriptions.Add(filter, subscription);
            }
            subscription.QualityOfService = qos;
            subscription.Options = options;
            subscription.Waiters.Add(waiter);
            int rc = Send(handle, subscription);
            if (rc != 0 && rc != (int)MqttErrorCode.NoConnection)
            {
                subscription.Waiters.Remove(waiter);
                if (!subscription.Confirmed && subscription.Waiters.Count == 0)
                {
                    _subscriptions.Remove(filter);
                }
                throw MqttException.FromError($"Subscribing to '{filter}'", rc);
            }
        }
        return waiter.Task;
    }

    /// <summary>Forgets the subscription and sends UNSUBSCRIBE; completes on UNSUBACK (after a reconnect if need be).</summary>
    public Task Unsubscribe(MosquittoHandle handle, string filter)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_subscriptions.Remove(filter, out Subscription? removed))
            {
                _subscribeMids.Remove(removed.Mid);
                removed.Fail(new MqttException($"Subscribing to '{filter}' was superseded by an unsubscribe.", MqttErrorCode.Success));
            }
            if (!_unsubscribes.TryGetValue(filter, out PendingUnsubscribe? pending))
            {
                pending = new PendingUnsubscribe(filter);
                _unsubscribes.Add(filter, pending);
            }
            pending.Waiters.Add(waiter);
            int rc = Send(handle, pending);
            if (rc != 0 && rc != (int)MqttErrorCode.NoConnection)
            {
                pending.Waiters.Remove(waiter);
                if (pending.Waiters.Count == 0)
                {
                    _unsubscribes.Remove(filter);
                }
                throw MqttException.FromError($"Unsubscribing from '{filter}'", rc);
            }
        }
        return waiter.Task;
    }

    /// <summary>SUBACK: a code below 0x80 is the granted QoS, anything else the broker's refusal.</summary>
    /// <returns>The refused filter when the broker refused a re-subscription nobody was waiting for, else null.</returns>
    public (string Filter, int ReasonCode)? OnSubscribeAcknowledged(int mid, int code)
    {
        lock (_lock)
        {
            if (!_subscribeMids.Remove(mid, out Subscription? subscription) || subscription.Mid != mid)
            {
                return null;
            }
            subscription.Mid = 0;
            if (code < 0x80)
            {
                subscription.Confirmed = true;
                subscription.Succeed((MqttQualityOfService)code);
                return null;
            }
            _subscriptions.Remove(subscription.Filter);
            bool anyoneWaiting = subscription.Waiters.Count > 0;
            subscription.Fail(MqttException.FromReason($"Subscribing to '{subscription.Filter}'", code));
            return anyoneWaiting ? null : (subscription.Filter, code);
        }
    }

    public void OnUnsubscribeAcknowledged(int mid)
    {
        lock (_lock)
        {
            if (_unsubscribeMids.Remove(mid, out PendingUnsubscribe? pending) && pending.Mid == mid)
            {
                _unsubscribes.Remove(pending.Filter);
                pending.Succeed();
            }
        }
    }

    /// <summary>
    /// After a CONNACK: re-sends what the broker may not hold. Returns how many SUBSCRIBE packets were sent.
    /// </summary>
    public int OnConnected(MosquittoHandle handle, bool sessionPresent)
    {
        int sent = 0;
        lock (_lock)
        {
            foreach (Subscription subscription in _subscriptions.Values)
            {
                if (!sessionPresent || !subscription.Confirmed || subscription.Mid != 0)
                {
                    subscription.Confirmed = false;
                    if (Send(handle, subscription) == 0)
                    {
                        sent++;
                    }
                }
            }
            var finished = new List<PendingUnsubscribe>();
            foreach (PendingUnsubscribe pending in _unsubscribes.Values)
            {
                if (sessionPresent)
                {
                    Send(handle, pending);
                }
                else
                {
                    // No session at the broker: there is nothing left to unsubscribe from.
                    finished.Add(pending);
                }
            }
            foreach (PendingUnsubscribe pending in finished)
            {
                _unsubscribes.Remove(pending.Filter);
                _unsubscribeMids.Remove(pending.Mid);
                pending.Succeed();
            }
        }
        return sent;
    }

    /// <summary>Fails everyone still waiting (the client stopped). Wanted subscriptions are kept for a later connect.</summary>
    public void FailWaiters(string reason)
    {
        lock (_lock)
        {
            foreach (Subscription subscription in _subscriptions.Values)
            {
                subscription.Mid = 0;
                subscription.Fail(new MqttException($"Subscribing to '{subscription.Filter}' was not acknowledged: {reason}", MqttErrorCode.NoConnection));
            }
            _subscribeMids.Clear();
            foreach (PendingUnsubscribe pending in _unsubscribes.Values)
            {
                pending.Fail(new MqttException($"Unsubscribing from '{pending.Filter}' was not acknowledged: {reason}", MqttErrorCode.NoConnection));
            }
            _unsubscribes.Clear();
            _unsubscribeMids.Clear();
        }
    }



    private int Send(MosquittoHandle handle, Subscription subscription)
    {
        if (subscription.Mid != 0)
        {
            _subscribeMids.Remove(subscription.Mid);
            subscription.Mid = 0;
        }
        int rc = MosquittoNative.SubscribeV5(handle, out int mid, subscription.Filter, (int)subscription.QualityOfService, (int)subscription.Options, IntPtr.Zero);
        if (rc == 0)
        {
            subscription.Mid = mid;
            _subscribeMids[mid] = subscription;
        }
        return rc;
    }

    private int Send(MosquittoHandle handle, PendingUnsubscribe pending)
    {
        if (pending.Mid != 0)
        {
            _unsubscribeMids.Remove(pending.Mid);
            pending.Mid = 0;
        }
        int rc = MosquittoNative.UnsubscribeV5(handle, out int mid, pending.Filter, IntPtr.Zero);
        if (rc == 0)
        {
            pending.Mid = mid;
            _unsubscribeMids[mid] = pending;
        }
        return rc;
    }

    private sealed class Subscription(string filter)
    {
        public string Filter { get; } = filter;
        public MqttQualityOfService QualityOfService { get; set; }
        public MqttSubscriptionOptions Options { get; set; }
        public bool Confirmed { get; set; }
        /// <summary>Message id of the SUBSCRIBE in flight, 0 when none.</summary>
        public int Mid { get; set; }
        public List<TaskCompletionSource<MqttQualityOfService>> Waiters { get; } = [];

        public void Succeed(MqttQualityOfService granted)
        {
            foreach (var waiter in Waiters)
            {
                waiter.TrySetResult(granted);
            }
            Waiters.Clear();
        }

        public void Fail(Exception exception)
        {
            foreach (var waiter in Waiters)
            {
                waiter.TrySetException(exception);
            }
            Waiters.Clear();
        }
    }

    private sealed class PendingUnsubscribe(string filter)
    {
        public string Filter { get; } = filter;
        public int Mid { get; set; }
        public List<TaskCompletionSource> Waiters { get; } = [];

        public void Succeed()
        {
            foreach (var waiter in Waiters)
            {
                waiter.TrySetResult();
            }
            Waiters.Clear();
        }

        public void Fail(Exception exception)
        {
            foreach (var waiter in Waiters)
            {
                waiter.TrySetException(exception);
            }
            Waiters.Clear();
        }
    }
}
