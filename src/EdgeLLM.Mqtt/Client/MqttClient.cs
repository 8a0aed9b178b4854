using System.Threading.Channels;
using EdgeLLM.Mqtt.Native;
using EdgeLLM.Mqtt.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Mqtt;

/// <summary>
/// An MQTT 5 client over Debian's libmosquitto. After <see cref="ConnectAsync"/> it keeps itself connected: lost
/// connections are re-established with exponential backoff and subscriptions are re-sent when the broker has no session.
/// Incoming messages arrive on <see cref="Messages"/>.
/// </summary>
/// <remarks>
/// libmosquitto's network thread never runs caller code: its callbacks copy what they receive into channels and return.
/// Publishes, acknowledgements and connection events are handled on the thread pool. All members are thread-safe.
/// Dispose the client: a forgotten client keeps its connection and thread until the process ends.
/// </remarks>
public sealed partial class MqttClient : IAsyncDisposable, IDisposable
{
    private static readonly Action<object?, CancellationToken> s_cancelPublish =
        static (state, token) => ((PublishCompletion)state!).Owner.Cancel((PublishCompletion)state, token);

    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly Channel<MqttMessage> _messages;
    private readonly Channel<NetworkEvent> _events;
    private readonly PublishTracker _publishes = new();
    private readonly SubscriptionTable _subscriptions = new();
    private readonly MosquittoPropertyList _publishProperties = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly object _stateLock = new();
    private readonly Task _eventPump;

    // Guarded by _stateLock.
    private MosquittoSession? _session;
    private int _sessionCount;
    private TaskCompletionSource? _firstConnect;
    private bool _stopping;
    private bool _disposed;
    private volatile MqttConnectionState _state;

    // Touched only by the event pump.
    private string? _pendingDisconnectReason;
    private MqttReasonCode? _pendingDisconnectCode;
    private string? _lastLibraryError;

    /// <summary>Creates a client; nothing connects until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message names each offending setting.</exception>
    public MqttClient(MqttClientOptions options, ILogger<MqttClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResult validation = new MqttClientOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(MqttClientOptions), typeof(MqttClientOptions), validation.Failures);
        }
        _options = options;
        _logger = logger ?? NullLogger<MqttClient>.Instance;
        _endpoint = $"{options.Host}:{options.Port}";
        // Unbounded so the network thread never waits; AllowSynchronousContinuations stays false so a reader's
        // continuation never runs on the network thread.
        _messages = Channel.CreateUnbounded<MqttMessage>(new UnboundedChannelOptions { SingleWriter = true });
        _events = Channel.CreateUnbounded<NetworkEvent>(new UnboundedChannelOptions { SingleReader = true });
        _eventPump = Task.Run(PumpEventsAsync);
    }

    /// <summary>The loaded libmosquitto's version (loads the library).</summary>
    /// <exception cref="MqttException">libmosquitto.so.1 is missing or not version 2.</exception>
    public static Version LibraryVersion => MosquittoLibrary.Version;

    /// <summary>The options this client was created with.</summary>
    public MqttClientOptions Options => _options;

    /// <summary>The current connection state.</summary>
    public MqttConnectionState State => _state;

    /// <summary>Whether the broker currently accepts this client's packets.</summary>
    public bool IsConnected => _state == MqttConnectionState.Connected;

    /// <summary>
    /// Raised on the thread pool, in order, whenever <see cref="State"/> changes. Handlers must not block for long;
    /// exceptions they throw are logged and otherwise ignored.
    /// </summary>
    public event EventHandler<MqttConnectionChangedEventArgs>? ConnectionChanged;

    /// <summary>
    /// Every message the broker delivers, in arrival order. The channel is unbounded: read it steadily. It completes
    /// when the client is disposed. Several readers may share it (each message goes to one of them).
    /// </summary>
    public ChannelReader<MqttMessage> Messages => _messages.Reader;

    /// <summary>Publishes still waiting for the broker's acknowledgement (including those queued while offline).</summary>
    public int PendingPublishCount => _publishes.PendingCount;

    /// <summary>The topic filters the client keeps subscribed (re-sent after reconnects when needed).</summary>
    public IReadOnlyCollection<string> Subscriptions => _subscriptions.Filters;

    /// <summary><see cref="Messages"/> as an async stream; ends when the client is disposed.</summary>
    public IAsyncEnumerable<MqttMessage> ReadMessagesAsync(CancellationToken cancellationToken = default) =>
        _messages.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Connects and completes once the broker has accepted the connection. An unreachable broker is retried with
    /// backoff until <paramref name="cancellationToken"/> fires; a broker that refuses (credentials, authorisation),
    /// a TLS failure or bad settings fail at once. From then on the client reconnects by itself until
    /// <see cref="DisconnectAsync"/> or disposal.
    /// </summary>
    /// <exception cref="MqttException">The broker refused the connection, TLS failed, or libmosquitto rejected a setting.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the broker accepted; the client is stopped again.</exception>
    /// <exception cref="InvalidOperationException">The client is already connected or connecting.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TaskCompletionSource firstConnect;
            lock (_stateLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_session is not null)
                {
                    throw new InvalidOperationException("The MQTT client is already connected or connecting; call DisconnectAsync first.");
                }
                var session = new MosquittoSession(++_sessionCount, _options, _messages.Writer, _events.Writer, _logger.IsEnabled(LogLevel.Debug));
                firstConnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _session = session;
                _firstConnect = firstConnect;
                _stopping = false;
                _state = MqttConnectionState.Connecting;
                Log.Connecting(_logger, _endpoint, _options.ClientId, _options.CleanStart, _options.SessionExpirySeconds);
                session.Start();
            }
            RaiseConnectionChanged(new MqttConnectionChangedEventArgs(MqttConnectionState.Connecting, false, null));
            try
            {
                await firstConnect.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await StopSessionAsync(publishWill: false, e is OperationCanceledException ? "connecting was cancelled" : e.Message).ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Sends DISCONNECT and stops. The broker does not publish the Last Will unless <paramref name="publishWill"/> is
    /// true (MQTT 5 reason code 4). Publishes still unacknowledged fail; the subscriptions are remembered for the next
    /// <see cref="ConnectAsync"/>. Does nothing when not connected.
    /// </summary>
    public async Task DisconnectAsync(bool publishWill = false, CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopSessionAsync(publishWill, "the client disconnected").ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Publishes <paramref name="message"/>. Completes when the broker acknowledged it: PUBACK for QoS 1, PUBCOMP for
    /// QoS 2; for QoS 0 when it was handed to the operating system. While the connection is down, QoS 1/2 messages
    /// are queued by libmosquitto and sent after the reconnect (the task completes then); QoS 0 ones fail. A broker
    /// refusal (reason code from 0x80), a stop before the acknowledgement, or a message libmosquitto rejects fail the
    /// task with <see cref="MqttException"/>. Cancelling stops the wait, not the delivery.
    /// </summary>
    /// <remarks>The returned <see cref="ValueTask"/> is pooled: await it exactly once (or call <c>AsTask()</c>).</remarks>
    /// <exception cref="ArgumentException">The topic or a property is not valid MQTT; the parameter name says which.</exception>
    public ValueTask PublishAsync(MqttMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        PublishCompletion completion;
        int rc;
        lock (_publishes.SyncRoot)
        {
            MosquittoSession? session = _session;
            if (session is null)
            {
                return ValueTask.FromException(NotStarted($"Publishing to '{message.Topic}'"));
            }
            if (_publishes.PendingCountWhileLocked >= _options.MaxPendingPublishes)
            {
                return ValueTask.FromException(new MqttException(
                    $"Publishing to '{message.Topic}' failed: {_options.MaxPendingPublishes} publishes are already waiting for the broker (MaxPendingPublishes).",
                    MqttErrorCode.NoConnection));
            }
            int mid;
            try
            {
                _publishProperties.AddMessageProperties(message);
                rc = PublishNative(session.Handle, message, _publishProperties.Pointer, out mid);
            }
            catch (ObjectDisposedException)
            {
                return ValueTask.FromException(NotStarted($"Publishing to '{message.Topic}'"));
            }
            finally
            {
                _publishProperties.Clear();
            }
            // libmosquitto queues a QoS 1/2 message before it finds the socket closed, and sends it after reconnecting.
            bool queued = rc == 0 || (rc == (int)MqttErrorCode.NoConnection && message.QualityOfService != MqttQualityOfService.AtMostOnce);
            if (!queued)
            {
                return ValueTask.FromException(MqttException.FromError($"Publishing to '{message.Topic}'", rc));
            }
            completion = _publishes.Register(mid, message.QualityOfService, message.Topic);
        }
        if (rc != 0)
        {
            Log.PublishQueuedOffline(_logger, message.Topic, (int)message.QualityOfService);
        }
        if (cancellationToken.CanBeCanceled)
        {
            completion.Registration = cancellationToken.UnsafeRegister(s_cancelPublish, completion);
        }
        return new ValueTask(completion, completion.Version);
    }

    /// <summary>Publishes <paramref name="payload"/> to <paramref name="topic"/> without properties; see <see cref="PublishAsync(MqttMessage, CancellationToken)"/>.</summary>
    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qos = MqttQualityOfService.AtLeastOnce,
        bool retain = false, CancellationToken cancellationToken = default) =>
        PublishAsync(new MqttMessage { Topic = topic, Payload = payload, QualityOfService = qos, Retain = retain }, cancellationToken);

    /// <summary>
    /// Subscribes to <paramref name="filter"/> (wildcards and <c>$share/{group}/…</c> allowed) and returns the QoS the
    /// broker granted, on SUBACK. The subscription is kept: re-sent after reconnects when the broker has no session.
    /// While disconnected the SUBSCRIBE goes out after the reconnect. Cancelling stops the wait, not the subscription.
    /// </summary>
    /// <exception cref="MqttException">The broker refused (reason code in <see cref="MqttException.ReasonCode"/>), or the client stopped first.</exception>
    /// <exception cref="ArgumentException">The filter, QoS or options are invalid.</exception>
    public async Task<MqttQualityOfService> SubscribeAsync(string filter, MqttQualityOfService qos = MqttQualityOfService.AtLeastOnce,
        MqttSubscriptionOptions options = MqttSubscriptionOptions.None, CancellationToken cancellationToken = default)
    {
        MqttTopic.ValidateFilter(filter, nameof(filter));
        if (qos is < MqttQualityOfService.AtMostOnce or > MqttQualityOfService.ExactlyOnce)
        {
            throw new ArgumentOutOfRangeException(nameof(qos), qos, "QoS must be 0, 1 or 2.");
        }
        ValidateSubscriptionOptions(filter, options);
        Task<MqttQualityOfService> acknowledged;
        try
        {
            acknowledged = _subscriptions.Subscribe(RequireSession($"Subscribing to '{filter}'").Handle, filter, qos, options);
        }
        catch (ObjectDisposedException)
        {
            throw NotStarted($"Subscribing to '{filter}'");
        }
        return await acknowledged.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unsubscribes from <paramref name="filter"/>; completes on UNSUBACK (after a reconnect if need be).</summary>
    /// <exception cref="MqttException">The client stopped before the broker acknowledged.</exception>
    public async Task UnsubscribeAsync(string filter, CancellationToken cancellationToken = default)
    {
        MqttTopic.ValidateFilter(filter, nameof(filter));
        Task acknowledged;
        try
        {
            acknowledged = _subscriptions.Unsubscribe(RequireSession($"Unsubscribing from '{filter}'").Handle, filter);
        }
        catch (ObjectDisposedException)
        {
            throw NotStarted($"Unsubscribing from '{filter}'");
        }
        await acknowledged.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads <see cref="Messages"/> and calls <paramref name="handler"/> for each message, one at a time. An exception
    /// from the handler is logged and the next message is handled. Returns when the client is disposed; throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task ProcessMessagesAsync(Func<MqttMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        await foreach (MqttMessage message in _messages.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await handler(message, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                Log.MessageHandlerFailed(_logger, message.Topic, e);
            }
        }
    }

    /// <summary>Disconnects (without the Will), completes <see cref="Messages"/> and releases the native instance.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_stateLock)
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
            }
            await StopSessionAsync(publishWill: false, "the client was disposed").ConfigureAwait(false);
            _messages.Writer.TryComplete();
            _events.Writer.TryComplete();
            await _eventPump.ConfigureAwait(false);
            lock (_publishes.SyncRoot)
            {
                _publishProperties.Dispose();
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static unsafe int PublishNative(MosquittoHandle handle, MqttMessage message, IntPtr properties, out int mid)
    {
        fixed (byte* payload = message.Payload.Span)
        {
            return MosquittoNative.PublishV5(handle, out mid, message.Topic, message.Payload.Length, payload,
                (int)message.QualityOfService, message.Retain, properties);
        }
    }

    private static void ValidateSubscriptionOptions(string filter, MqttSubscriptionOptions options)
    {
        const MqttSubscriptionOptions all = MqttSubscriptionOptions.NoLocal | MqttSubscriptionOptions.RetainAsPublished
            | MqttSubscriptionOptions.SendRetainedOnlyForNewSubscription | MqttSubscriptionOptions.DoNotSendRetained;
        if ((options & ~all) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options, "Unknown subscription option bits.");
        }
        if ((options & MqttSubscriptionOptions.SendRetainedOnlyForNewSubscription) != 0 && (options & MqttSubscriptionOptions.DoNotSendRetained) != 0)
        {
            throw new ArgumentException("SendRetainedOnlyForNewSubscription and DoNotSendRetained exclude each other.", nameof(options));
        }
        if ((options & MqttSubscriptionOptions.NoLocal) != 0 && MqttTopic.IsShared(filter))
        {
            throw new ArgumentException("NoLocal is a protocol error on a shared subscription (MQTT 5 §3.8.3.1).", nameof(options));
        }
    }

    private MosquittoSession RequireSession(string operation)
    {
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _session ?? throw NotStarted(operation);
        }
    }

    private static MqttException NotStarted(string operation) =>
        new($"{operation} failed: the client is not started (call ConnectAsync first) or is stopping.", MqttErrorCode.NoConnection);

    private async Task StopSessionAsync(bool publishWill, string reason)
    {
        MosquittoSession? session;
        lock (_publishes.SyncRoot)
        {
            lock (_stateLock)
            {
                session = _session;
                if (session is null)
                {
                    return;
                }
                // From here no publish or subscribe reaches the instance, and the pump ignores its events.
                _stopping = true;
                _session = null;
            }
        }
        bool stopped = await Task.Run(() => session.Stop(_options.ShutdownTimeout, publishWill)).ConfigureAwait(false);
        if (!stopped)
        {
            Log.ShutdownAbandoned(_logger, _options.ShutdownTimeout);
        }
        session.Dispose();
        TaskCompletionSource? firstConnect;
        lock (_stateLock)
        {
            firstConnect = _firstConnect;
            _firstConnect = null;
        }
        firstConnect?.TrySetException(new MqttException($"Connecting to {_endpoint} did not finish: {reason}.", MqttErrorCode.NoConnection));
        _publishes.FailAll(reason);
        _subscriptions.FailWaiters(reason);
        Log.Disconnected(_logger, _endpoint);
        SetState(MqttConnectionState.Disconnected, sessionPresent: false, reason);
    }

    private void SetState(MqttConnectionState state, bool sessionPresent, string? reason,
        MqttErrorCode? errorCode = null, MqttReasonCode? reasonCode = null)
    {
        _state = state;
        RaiseConnectionChanged(new MqttConnectionChangedEventArgs(state, sessionPresent, reason, errorCode, reasonCode));
    }

    private void RaiseConnectionChanged(MqttConnectionChangedEventArgs args)
    {
        EventHandler<MqttConnectionChangedEventArgs>? handlers = ConnectionChanged;
        if (handlers is null)
        {
            return;
        }
        // Each handler on its own, so one that throws does not keep the others from hearing about the change.
        foreach (Delegate handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<MqttConnectionChangedEventArgs>)handler)(this, args);
            }
            catch (Exception e)
            {
                Log.ConnectionChangedHandlerFailed(_logger, e);
            }
        }
    }
}
