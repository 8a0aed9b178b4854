using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// One MQTT 5 session of an operator tool (MQTTnet), clean and short-lived: publish retained manifests, subscribe to
/// the devices' retained statuses, and learn when the broker has delivered every retained message
/// (<see cref="SyncAsync"/>). Received messages are read in arrival order from <see cref="Messages"/>.
/// </summary>
internal sealed class FleetConnection : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// QoS 1 publications awaiting their acknowledgement at once. A broker disconnects a client that exceeds the Receive
    /// Maximum it announced (Mosquitto: 20 by default) and MQTTnet does not hold back for it; a thousand simulated devices
    /// reporting together would.
    /// </summary>
    private const int MaxInFlight = 16;
    private readonly IMqttClient _client;
    private readonly FleetTopics _topics;
    private readonly TimeProvider _time;
    private readonly X509Certificate2Collection _certificates;
    private readonly Channel<FleetMessage> _messages = Channel.CreateUnbounded<FleetMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _syncLock = new();
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private (string Nonce, TaskCompletionSource Arrived)? _sync;
    private bool _syncSubscribed;

    private FleetConnection(IMqttClient client, FleetTopics topics, string clientId, X509Certificate2Collection certificates, TimeProvider time)
    {
        _client = client;
        _topics = topics;
        _certificates = certificates;
        _time = time;
        ClientId = clientId;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += e =>
        {
            _messages.Writer.TryComplete(e.ClientWasConnected && e.Reason != MqttClientDisconnectReason.NormalDisconnection
                ? new FleetBrokerException($"the broker closed the connection ({e.Reason}{(e.ReasonString is { Length: > 0 } r ? ": " + r : "")})", e.Exception)
                : null);
            return Task.CompletedTask;
        };
    }

    /// <summary>This session's client id (random: operator tools never resume a session).</summary>
    public string ClientId { get; }

    /// <summary>Messages of the subscriptions, in the order the broker sent them; completes when the connection ends.</summary>
    public ChannelReader<FleetMessage> Messages => _messages.Reader;

    /// <summary>Connects (MQTT 5, clean start) with the broker settings.</summary>
    /// <exception cref="FleetBrokerException">Unreachable, TLS failed, or the broker refused (bad credentials, ...).</exception>
    public static async Task<FleetConnection> ConnectAsync(FleetBrokerOptions options, FleetTopics topics, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientId = "edgellm-cli-" + Guid.NewGuid().ToString("N")[..12];
        var certificates = new X509Certificate2Collection();
        var client = new MqttClientFactory().CreateMqttClient();
        var connection = new FleetConnection(client, topics, clientId, certificates, time ?? TimeProvider.System);
        try
        {
            var builder = new MqttClientOptionsBuilder()
                .WithTcpServer(options.Host, options.Port)
                .WithClientId(clientId)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(true)
                .WithTimeout(ConnectTimeout);
            if (options.Username is not null)
            {
                builder.WithCredentials(options.Username, options.Password);
            }

            if (options.UseTls)
            {
                builder.WithTlsOptions(TlsOptions(options, certificates));
            }

            await client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is MqttCommunicationException or CryptographicException or IOException or InvalidOperationException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new FleetBrokerException($"cannot connect to {options}: {Describe(e)}", e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Publishes at QoS 1 and waits for the broker's acknowledgement.</summary>
    /// <exception cref="FleetBrokerException">The broker refused it (for example not authorized) or the connection failed.</exception>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .WithContentType(payload.IsEmpty ? null : "application/json")
            .Build();
        MqttClientPublishResult result;
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (MqttCommunicationException e)
        {
            throw new FleetBrokerException($"publishing to {topic} failed: {Describe(e)}", e);
        }
        finally
        {
            _inFlight.Release();
        }

        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
        {
            throw new FleetBrokerException($"the broker refused the publication to {topic}: {result.ReasonCode}{(result.ReasonString is { Length: > 0 } r ? " (" + r + ")" : "")}");
        }
    }

    /// <summary>Subscribes at QoS 1; the broker then sends the retained messages of each filter.</summary>
    /// <exception cref="FleetBrokerException">The broker refused a filter or the connection failed.</exception>
    public async Task SubscribeAsync(IEnumerable<string> filters, CancellationToken cancellationToken)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            builder.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        }

        MqttClientSubscribeResult result;
        try
        {
            result = await _client.SubscribeAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        }
        catch (MqttCommunicationException e)
        {
            throw new FleetBrokerException($"subscribing failed: {Describe(e)}", e);
        }

        foreach (var item in result.Items)
        {
            if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
            {
                throw new FleetBrokerException($"the broker refused the subscription to {item.TopicFilter.Topic}: {item.ResultCode}");
            }
        }
    }

    /// <summary>
    /// Completes once the broker has delivered everything it queued for this client before the call, the retained
    /// messages of earlier subscriptions included: it publishes a marker to a topic only this client subscribes to and
    /// waits for it to come back. A broker queues a subscription's retained messages when it handles the SUBSCRIBE and
    /// delivers a client's messages in order, so the marker arrives after them; MQTT itself has no "end of retained".
    /// </summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var topic = _topics.SyncTopic(ClientId);
        if (!_syncSubscribed)
        {
            await SubscribeAsync([topic], cancellationToken).ConfigureAwait(false);
            _syncSubscribed = true;
        }

        var nonce = Guid.NewGuid().ToString("N");
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_syncLock)
        {
            _sync = (nonce, arrived);
        }

        await PublishAsync(topic, System.Text.Encoding.ASCII.GetBytes(nonce), retain: false, cancellationToken).ConfigureAwait(false);
        await arrived.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                    CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (MqttCommunicationException)
        {
            // Already gone: nothing to close.
        }

        _client.Dispose();
        _inFlight.Dispose();
        foreach (var certificate in _certificates)
        {
            certificate.Dispose();
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        var payload = message.Payload.ToArray();
        if (message.Topic == _topics.SyncTopic(ClientId))
        {
            lock (_syncLock)
            {
                if (_sync is { } sync && payload.AsSpan().SequenceEqual(System.Text.Encoding.ASCII.GetBytes(sync.Nonce)))
                {
                    _sync = null;
                    sync.Arrived.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }

        _messages.Writer.TryWrite(new FleetMessage(message.Topic, payload, message.Retain, _time.GetUtcNow()));
        return Task.CompletedTask;
    }

    private static MqttClientTlsOptions TlsOptions(FleetBrokerOptions options, X509Certificate2Collection certificates)
    {
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(options.TlsCaFile!);
        certificates.AddRange(trusted);
        var builder = new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(options.Host)
            .WithCertificateValidationHandler(e => IsTrusted(e, trusted));
        if (options.TlsCertFile is not null)
        {
            var client = X509Certificate2.CreateFromPemFile(options.TlsCertFile, options.TlsKeyFile);
            certificates.Add(client);
            builder.WithClientCertificates([client]);
        }

        return builder.Build();
    }

    /// <summary>Like the service (libmosquitto with a CA file): the broker's certificate must chain to the given CA(s) and name the host.</summary>
    private static bool IsTrusted(MqttClientCertificateValidationEventArgs e, X509Certificate2Collection trusted)
    {
        if (e.Certificate is null || (e.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (e.Chain is not null)
        {
            foreach (var element in e.Chain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var copy = e.Certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(e.Certificate.GetRawCertData());
        try
        {
            return chain.Build(copy ?? (X509Certificate2)e.Certificate);
        }
        finally
        {
            copy?.Dispose();
        }
    }

    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (!messages.Contains(inner.Message))
            {
                messages.Add(inner.Message);
            }
        }

        return string.Join(": ", messages);
    }
}
