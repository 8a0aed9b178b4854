using System.Threading.Channels;
using EdgeLLM.Mqtt.Errors;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeLLM.Mqtt.Client;

/// <summary>
/// QoS 1/2 publishes that the broker has not acknowledged yet. MQTTnet 5 sends a publish only while connected and
/// forgets it when the connection drops; the contract needs more — a final answer made while the broker restarts
/// must still arrive — so every publish stays here, in order, until its PUBACK (or PUBCOMP) comes back. A
/// connection that drops before the acknowledgement leaves the publish in place, and the next connection sends it
/// again: at most the duplicates QoS 1 allows, never a loss. A broker refusal (reason code from 0x80) is an
/// answer, not a loss: that publish fails and leaves.
/// </summary>
/// <remarks>
/// Each connection is a generation with its own cancellation: <see cref="Offline"/> cancels the sends of the
/// generation that ended, so none of them can complete or remove an entry after the next generation has started
/// sending it again. The number of publishes in flight per connection is capped at the broker's Receive Maximum.
/// </remarks>
internal sealed partial class MqttOutbox
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _pending = new();
    private readonly IMqttClient _client;
    private readonly int _capacity;
    private readonly TimeSpan _retryDelay;
    private readonly ILogger _logger;
    private Generation? _online;
    private bool _closed;

    public MqttOutbox(IMqttClient client, int capacity, TimeSpan retryDelay, ILogger logger)
    {
        _client = client;
        _capacity = capacity;
        _retryDelay = retryDelay;
        _logger = logger;
    }

    /// <summary>Publishes waiting for an acknowledgement, sent or not.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="message"/> and, while connected, sends it at once. Completes on the broker's
    /// acknowledgement, however many connections that takes; cancelling stops the wait, not the delivery.
    /// </summary>
    /// <exception cref="MqttException">The outbox is full, closed, or the broker refused the message.</exception>
    public Task EnqueueAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var entry = new Entry(message);
        lock (_lock)
        {
            if (_closed)
            {
                throw new MqttException($"Publishing to '{message.Topic}' failed: the connection is stopped.");
            }
            if (_pending.Count >= _capacity)
            {
                throw new MqttException($"Publishing to '{message.Topic}' failed: {_capacity} publishes already wait for the broker (MaxPendingPublishes).");
            }
            entry.Node = _pending.AddLast(entry);
            // Inside the lock: the connection's queue gets entries in the pending list's order.
            _online?.Queue.Writer.TryWrite(entry);
        }
        return entry.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A connection is up: everything still pending is sent again, oldest first.</summary>
    /// <param name="receiveMaximum">The broker's Receive Maximum from CONNACK (how many QoS 1/2 publishes it takes in flight), or null for the protocol's 65535.</param>
    public void Online(int? receiveMaximum)
    {
        int resend;
        Generation generation;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            _online?.Stop();
            generation = new Generation(receiveMaximum is > 0 ? receiveMaximum.Value : ushort.MaxValue);
            _online = generation;
            resend = _pending.Count;
            foreach (Entry entry in _pending)
            {
                generation.Queue.Writer.TryWrite(entry);
            }
        }
        if (resend > 0)
        {
            LogResending(_logger, resend);
        }
        _ = PumpAsync(generation);
    }

    /// <summary>The connection dropped: sends in flight are abandoned and wait for <see cref="Online"/>.</summary>
    public void Offline()
    {
        lock (_lock)
        {
            _online?.Stop();
            _online = null;
        }
    }

    /// <summary>The connection is stopping for good: every pending publish fails with <paramref name="reason"/>.</summary>
    public void Close(string reason)
    {
        Entry[] failed;
        lock (_lock)
        {
            _closed = true;
            _online?.Stop();
            _online = null;
            failed = [.. _pending];
            _pending.Clear();
        }
        foreach (Entry entry in failed)
        {
            entry.Completion.TrySetException(new MqttException($"Publishing to '{entry.Message.Topic}' was not acknowledged: {reason}."));
        }
    }

    /// <summary>
    /// One connection's sender: takes entries in the pending list's order and starts each publish only when a slot of
    /// the broker's Receive Maximum is free. One sequential loop starts the sends, so they reach the wire in order
    /// (concurrent waiters released together would race each other to the socket).
    /// </summary>
    private async Task PumpAsync(Generation generation)
    {
        CancellationToken token = generation.Token;
        try
        {
            await foreach (Entry entry in generation.Queue.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                await generation.InFlight.WaitAsync(token).ConfigureAwait(false);
                if (entry.Node?.List is null)
                {
                    generation.InFlight.Release(); // acknowledged meanwhile, through an earlier send of the same entry
                    continue;
                }
                _ = SendAsync(entry, generation);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The connection ended; what is still pending waits for the next one.
        }
    }

    /// <summary>Sends one entry holding one in-flight slot, and gives the slot back when the broker answers.</summary>
    private async Task SendAsync(Entry entry, Generation generation)
    {
        CancellationToken token = generation.Token;
        try
        {
            MqttClientPublishResult result = await _client.PublishAsync(entry.Message, token).ConfigureAwait(false);
            Finish(entry, (int)result.ReasonCode < 0x80
                ? null
                : MqttException.FromReason($"Publishing to '{entry.Message.Topic}'", (int)result.ReasonCode, result.ReasonString));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The connection ended; the entry waits for the next one.
        }
        catch (Exception e) when (_client.IsConnected)
        {
            // Connected but unanswered (a timeout): send again on this connection after a pause.
            LogRetrying(_logger, entry.Message.Topic, e.Message);
            _ = RequeueLaterAsync(entry, generation);
        }
        catch (Exception)
        {
            // The drop is being reported; Online() sends the entry again.
        }
        finally
        {
            generation.InFlight.Release();
        }
    }

    private async Task RequeueLaterAsync(Entry entry, Generation generation)
    {
        try
        {
            await Task.Delay(_retryDelay, generation.Token).ConfigureAwait(false);
            generation.Queue.Writer.TryWrite(entry);
        }
        catch (OperationCanceledException)
        {
            // The connection ended; Online() sends the entry again.
        }
    }

    private void Finish(Entry entry, Exception? failure)
    {
        lock (_lock)
        {
            if (entry.Node?.List is null)
            {
                return;
            }
            _pending.Remove(entry.Node);
        }
        if (failure is null)
        {
            entry.Completion.TrySetResult();
        }
        else
        {
            entry.Completion.TrySetException(failure);
        }
    }

    private sealed class Entry(MqttApplicationMessage message)
    {
        public MqttApplicationMessage Message { get; } = message;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Its place in the pending list; detached (List null) once acknowledged or failed.</summary>
        public LinkedListNode<Entry>? Node { get; set; }
    }

    /// <summary>One connection's sends: cancelled together when it ends, at most Receive Maximum in flight.</summary>
    // Sends of an ended generation may still read its token after Stop, so the source is left to the GC: it holds no
    // timer or wait handle, nothing that needs disposing.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "see above")]
    private sealed class Generation(int receiveMaximum)
    {
        private readonly CancellationTokenSource _stop = new();

        public SemaphoreSlim InFlight { get; } = new(receiveMaximum, receiveMaximum);

        /// <summary>Entries to send on this connection, in order; read by one sender.</summary>
        public Channel<Entry> Queue { get; } = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });

        public CancellationToken Token => _stop.Token;

        public void Stop() => _stop.Cancel();
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Sending {Count} unacknowledged MQTT publishes again on the new connection")]
    private static partial void LogResending(ILogger logger, int count);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "MQTT publish to '{Topic}' was not acknowledged ({Reason}); sending it again")]
    private static partial void LogRetrying(ILogger logger, string topic, string reason);
}
