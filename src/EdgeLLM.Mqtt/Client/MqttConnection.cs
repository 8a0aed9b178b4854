using System.Threading.Channels;
using EdgeLLM.Mqtt.Errors;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeLLM.Mqtt.Client;

/// <summary>
/// EdgeLLM's layer over MQTTnet's <see cref="IMqttClient"/>: what the contract needs and MQTTnet 5 leaves to its
/// users. After <see cref="ConnectAsync"/> it keeps itself connected (MQTTnet 5 has no managed client): a lost
/// connection is re-established with exponential backoff and jitter, subscriptions are re-sent when the broker has no
/// session, and QoS 1/2 publishes wait in an outbox until the broker acknowledges them, across reconnects and broker
/// restarts. Incoming messages arrive on <see cref="Messages"/>. All members are thread-safe.
/// </summary>
public sealed partial class MqttConnection : IAsyncDisposable
{
    private readonly MqttConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly KeepAliveChannelAdapterFactory _adapters;
    private readonly MqttKeepAlive _keepAlive;
    private readonly Channel<MqttMessage> _messages;
    private readonly MqttOutbox _outbox;
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly Lock _lock = new();

    // Guarded by _lock.
    private CancellationTokenSource? _stop;
    private Task _run = Task.CompletedTask;
    private TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<MqttClientDisconnectedEventArgs>? _disconnected;
    private bool _disposed;
    private volatile MqttConnectionState _state;

    /// <summary>Creates a connection; nothing connects until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message names each offending setting.</exception>
    public MqttConnection(MqttConnectionOptions options, ILogger<MqttConnection>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResult validation = new MqttConnectionOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(MqttConnectionOptions), typeof(MqttConnectionOptions), validation.Failures);
        }
        _options = options;
        _logger = logger ?? NullLogger<MqttConnection>.Instance;
        _endpoint = $"{options.Host}:{options.Port}";
        _clientOptions = MqttClientOptionsFactory.Create(options);
        // The keepalive is EdgeLLM's (KeepAliveChannelAdapter says why): the adapters write it into the CONNECT, one timer pings.
        _adapters = new KeepAliveChannelAdapterFactory(options.KeepAlive);
        _client = new MqttClientFactory().CreateMqttClient(_adapters);
        _keepAlive = new MqttKeepAlive(_client, _endpoint, _logger);
        _client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
        // Unbounded, so MQTTnet's receive loop never waits on a slow reader (it would stall PUBACKs and keepalives).
        // Not SingleWriter: the receive loop of a dropped connection may still be finishing as the next one starts.
        _messages = Channel.CreateUnbounded<MqttMessage>();
        _outbox = new MqttOutbox(_client, options.MaxPendingPublishes, options.ReconnectDelay, _logger);
    }

    /// <summary>The current connection state.</summary>
    public MqttConnectionState State => _state;

    /// <summary>Whether the broker currently accepts this client's packets.</summary>
    public bool IsConnected => _state == MqttConnectionState.Connected;

    /// <summary>
    /// Raised whenever <see cref="State"/> changes, in order, on the connection's own task. Handlers must not block;
    /// exceptions they throw are logged and otherwise ignored.
    /// </summary>
    public event EventHandler<MqttConnectionChangedEventArgs>? ConnectionChanged;

    /// <summary>
    /// Every message the broker delivers, in arrival order. The channel is unbounded: read it steadily. It completes
    /// when the connection is disposed.
    /// </summary>
    public ChannelReader<MqttMessage> Messages => _messages.Reader;

    /// <summary>QoS 1/2 publishes still waiting for the broker's acknowledgement (including those made while offline).</summary>
    public int PendingPublishCount => _outbox.Count;

    /// <summary>
    /// Connects and completes once the broker has accepted the connection. An unreachable broker is retried with
    /// backoff until <paramref name="cancellationToken"/> fires; a broker that refuses (credentials, authorisation)
    /// or a TLS failure fails at once. From then on the connection re-establishes itself until
    /// <see cref="DisconnectAsync"/> or disposal.
    /// </summary>
    /// <exception cref="MqttException">The broker refused the connection, or TLS failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the broker accepted; the connection is stopped again.</exception>
    /// <exception cref="InvalidOperationException">Already connected or connecting.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Task firstConnect;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_stop is not null)
                {
                    throw new InvalidOperationException("The MQTT connection is already connected or connecting; call DisconnectAsync first.");
                }
                _stop = new CancellationTokenSource();
                _firstConnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                firstConnect = _firstConnect.Task;
            }
            // Connecting is reported before the run task starts, so it can never overwrite the task's Connected.
            SetState(MqttConnectionState.Connecting, sessionPresent: false, reason: null);
            Log.Connecting(_logger, _endpoint, _options.ClientId, _options.CleanStart, _options.SessionExpirySeconds);
            lock (_lock)
            {
                CancellationToken stop = _stop.Token;
                _run = Task.Run(() => RunAsync(stop), CancellationToken.None);
            }
            try
            {
                await firstConnect.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await StopAsync(publishWill: false, closeOutbox: false).ConfigureAwait(false);
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
    /// true (MQTT 5 reason code 4). Unacknowledged publishes stay in the outbox for the next <see cref="ConnectAsync"/>;
    /// the subscriptions are remembered for it too. Does nothing when not connected.
    /// </summary>
    public async Task DisconnectAsync(bool publishWill = false, CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopAsync(publishWill, closeOutbox: false).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Publishes <paramref name="message"/>. QoS 1/2: queued in the outbox and complete when the broker acknowledged
    /// (PUBACK, PUBCOMP), however many reconnects that takes — while the connection is down the message waits and is
    /// sent after the reconnect. QoS 0: sent at once, and fails while disconnected. A broker refusal (reason code from
    /// 0x80) fails the task with <see cref="MqttException"/>. Cancelling stops the wait, not the delivery.
    /// </summary>
    /// <exception cref="ArgumentException">The topic or a property is not valid MQTT; the parameter name says which.</exception>
    public ValueTask PublishAsync(MqttMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        lock (_lock)
        {
            if (_disposed || _stop is null)
            {
                return ValueTask.FromException(new MqttException($"Publishing to '{message.Topic}' failed: the connection is not started (call ConnectAsync first) or is stopping."));
            }
        }
        MqttApplicationMessage outgoing = MqttMessageMapping.ToApplicationMessage(message, _options.Protocol);
        if (message.QualityOfService == MqttQualityOfService.AtMostOnce)
        {
            return new ValueTask(PublishAtMostOnceAsync(outgoing, cancellationToken));
        }
        try
        {
            return new ValueTask(_outbox.EnqueueAsync(outgoing, cancellationToken));
        }
        catch (MqttException e)
        {
            return ValueTask.FromException(e);
        }
    }

    /// <summary>Publishes <paramref name="payload"/> to <paramref name="topic"/> without properties; see <see cref="PublishAsync(MqttMessage, CancellationToken)"/>.</summary>
    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qos = MqttQualityOfService.AtLeastOnce,
        bool retain = false, CancellationToken cancellationToken = default) =>
        PublishAsync(new MqttMessage { Topic = topic, Payload = payload, QualityOfService = qos, Retain = retain }, cancellationToken);

    /// <summary>
    /// Subscribes to <paramref name="filter"/> (wildcards and <c>$share/{group}/…</c> allowed) and returns the QoS the
    /// broker granted. The subscription is kept: re-sent after reconnects when the broker has no session. While
    /// disconnected the SUBSCRIBE goes out after the reconnect. Cancelling stops the wait, not the subscription.
    /// </summary>
    /// <exception cref="MqttException">The broker refused (reason code in <see cref="MqttException.ReasonCode"/>).</exception>
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
        var subscription = new Subscription(filter, qos, options);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriptions[filter] = subscription;
        }
        while (true)
        {
            Task connected;
            lock (_lock)
            {
                connected = _connected.Task;
            }
            await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await SendSubscribeAsync(subscription, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not MqttException && e is not OperationCanceledException && !_client.IsConnected)
            {
                // The connection dropped under the SUBSCRIBE; it goes out again once the next connection is up.
            }
        }
    }

    /// <summary>
    /// Acknowledges a message received with <see cref="MqttConnectionOptions.ManualAcknowledgement"/> on; does nothing
    /// for one that needs no acknowledgement (QoS 0, automatic acknowledgement, already acknowledged). Returns false
    /// when the acknowledgement could not be sent (the connection it came on is gone): the broker then delivers the
    /// message again after the reconnect, with its DUP flag set.
    /// </summary>
    public async Task<bool> AcknowledgeAsync(MqttMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Acknowledgement is not { } acknowledge)
        {
            return true;
        }
        try
        {
            await acknowledge(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.AcknowledgeFailed(_logger, message.Topic, e.Message);
            return false;
        }
    }

    /// <summary>Disconnects (without the Will), fails what the outbox still holds, completes <see cref="Messages"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
            }
            await StopAsync(publishWill: false, closeOutbox: true).ConfigureAwait(false);
            _keepAlive.Dispose();
            _messages.Writer.TryComplete();
            _client.Dispose();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task PublishAtMostOnceAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new MqttException($"Publishing to '{message.Topic}' at QoS 0 failed: {e.Message}", innerException: e);
        }
    }

    private async Task<MqttQualityOfService> SendSubscribeAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        MqttClientSubscribeOptions packet = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(subscription.Filter, (MqttQualityOfServiceLevel)subscription.QualityOfService,
                (subscription.Options & MqttSubscriptionOptions.NoLocal) != 0,
                (subscription.Options & MqttSubscriptionOptions.RetainAsPublished) != 0,
                (subscription.Options & MqttSubscriptionOptions.DoNotSendRetained) != 0 ? MqttRetainHandling.DoNotSendOnSubscribe
                : (subscription.Options & MqttSubscriptionOptions.SendRetainedOnlyForNewSubscription) != 0 ? MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly
                : MqttRetainHandling.SendAtSubscribe)
            .Build();
        MqttClientSubscribeResult result = await _client.SubscribeAsync(packet, cancellationToken).ConfigureAwait(false);
        int code = (int)result.Items.Single().ResultCode;
        if (code >= 0x80)
        {
            lock (_lock)
            {
                if (_subscriptions.TryGetValue(subscription.Filter, out Subscription? current) && ReferenceEquals(current, subscription))
                {
                    _subscriptions.Remove(subscription.Filter);
                }
            }
            throw MqttException.FromReason($"Subscribing to '{subscription.Filter}'", code, result.ReasonString);
        }
        subscription.Confirmed = true;
        return (MqttQualityOfService)code;
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

    private sealed class Subscription(string filter, MqttQualityOfService qos, MqttSubscriptionOptions options)
    {
        public string Filter { get; } = filter;
        public MqttQualityOfService QualityOfService { get; } = qos;
        public MqttSubscriptionOptions Options { get; } = options;
        /// <summary>The broker granted it on some connection; a session the broker kept still holds it.</summary>
        public volatile bool Confirmed;
    }
}
