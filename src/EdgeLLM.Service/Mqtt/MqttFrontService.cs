using System.Collections.Concurrent;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Errors;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Ota;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Metrics;
using EdgeLLM.Serving.Configuration;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// The MQTT side of the service (contract section 2): a persistent QoS 1 session with a Last Will, the request
/// and OTA subscriptions (and the shared pool), one handler task per request, the retained status, periodic
/// telemetry and OTA status. Requests are acknowledged only once taken (contract v1.2, shutdown): as soon as the
/// host begins to stop it reads no more of them, so those still arriving stay in the persistent session for the next
/// start; it then waits until every request it took has published its final (the engine drains them), closes the
/// dedup journal, marks the device offline and disconnects.
/// </summary>
public sealed partial class MqttFrontService(
    IOptions<EdgeLLMOptions> options, GenerationGateway gateway, ModelHost host, MqttOtaFeed ota, IDeviceReadings device,
    IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory, ILogger<MqttFrontService> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly DateTimeOffset _since = DateTimeOffset.UtcNow;
    private readonly Logging.LogThrottle _handlerFailures = new(TimeSpan.FromSeconds(10));
    private MqttConnection? _client;
    private volatile string _state = "online";
    // "online" promises that a request published now is taken: on a first connect (no session at the broker yet) that
    // holds only once the request topics are subscribed, so the status waits for them.
    private volatile bool _subscribed;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // ExecuteAsync returns once the requests it took have their finals (or the drain time is up) and the journal is closed.
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_client is { } client)
        {
            try
            {
                await client.PublishAsync(new MqttMessage { Topic = Topics.Status, Payload = DevicePayloads.Offline(), Retain = true }, CancellationToken.None)
                    .AsTask().WaitAsync(TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MqttException or TimeoutException)
            {
                LogOfflineNotPublished(logger, e.Message);
            }
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private TopicNames Topics { get; } = new(options.Value.Mqtt.TopicRoot, options.Value.DeviceId ?? StatePaths.DefaultDeviceId(), options.Value.Mqtt.Pool);

    /// <summary>The schema bound to the request topics (<c>EdgeLLM:Mqtt:ResponseSchemaFile</c>), read once at start.</summary>
    private static OutputConstraint? BoundSchema(MqttFrontOptions mqtt) => mqtt.ResponseSchemaFile is { } file
        ? OutputConstraint.ForSchema(File.ReadAllText(file), Path.GetFileNameWithoutExtension(file))
        : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var mqtt = settings.Mqtt;
        var client = new MqttConnection(ConnectionOptions(settings), loggerFactory.CreateLogger<MqttConnection>());
        _client = client;
        var outbox = new MqttClientOutbox(client);
        // Closed only after ServeAsync has waited for the running requests: each journals its final before publishing it.
        using var dedup = new DedupStore(StatePaths.Resolve(settings.StateDir), TimeSpan.FromSeconds(mqtt.DedupWindowSeconds), maxEntries: mqtt.DedupMaxEntries);
        using var retained = new RetainedRequestLog(StatePaths.Resolve(settings.StateDir));
        var handler = new MqttRequestHandler(gateway, new RequestReader(mqtt.MaxPayloadBytes, bound: BoundSchema(mqtt)), dedup, outbox, Topics,
            loggerFactory.CreateLogger<MqttRequestHandler>(), retained);
        EventHandler<MqttConnectionChangedEventArgs> onConnection = (_, e) =>
        {
            if (e.State == MqttConnectionState.Connected)
            {
                LogConnected(logger, mqtt.Host, mqtt.Port, Topics.DevicePrefix);
                PublishStatus();
            }
        };
        Action<LoadedModel> onModelChanged = _ => PublishStatus();
        client.ConnectionChanged += onConnection;
        host.ModelChanged += onModelChanged;
        ota.SetPublisher(status =>
        {
            _state = status.Phase is OtaPhase.Downloading or OtaPhase.Verifying or OtaPhase.Staging or OtaPhase.Testing ? "updating" : "online";
            PublishStatus();
            Publish(Topics.OtaStatus, System.Text.Encoding.UTF8.GetBytes(status.ToJson()), retain: true);
            return ValueTask.CompletedTask;
        });
        // Intake ends as the host begins to stop (ApplicationStopping), before the engine starts draining and refusing:
        // a request read after that would only be refused, so it is left unacknowledged at the broker instead.
        using var intake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await ServeAsync(client, handler, intake.Token).ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
        }
        finally
        {
            ota.SetPublisher(null);
            host.ModelChanged -= onModelChanged;
            client.ConnectionChanged -= onConnection;
        }
    }

    /// <summary>Waits for the model to serve, connects, subscribes and answers requests until the host stops.</summary>
    private async Task ServeAsync(MqttConnection client, MqttRequestHandler handler, CancellationToken stoppingToken)
    {
        // Requests wait at the broker (persistent session) until the model serves, instead of being refused.
        try
        {
            await host.WhenServingAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await ConnectAsync(client, stoppingToken).ConfigureAwait(false);
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        await SubscribeAsync(client, stoppingToken).ConfigureAwait(false);
        _subscribed = true;
        PublishStatus();
        var telemetry = TelemetryLoopAsync(stoppingToken);
        var otaQueue = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        var otaWorker = ota.RunAsync(otaQueue.Reader, stoppingToken);
        try
        {
            await foreach (var message in client.Messages.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (message.Topic == Topics.Ota || message.Topic == Topics.FleetOta(ota.Group))
                {
                    if (message.Payload.IsEmpty)
                    {
                        continue;
                    }

                    if (EdgeLLM.Ota.Device.OtaUpdater.IsAbortNotice(message.Payload.Span))
                    {
                        // Not behind the update it stops, which the queue's reader is waiting on.
                        ota.SubmitAbort(message.Payload.ToArray(), stoppingToken);
                    }
                    else
                    {
                        otaQueue.Writer.TryWrite(message.Payload.ToArray());
                    }
                    // Manifests are retained and the OTA journal resumes an update, so they are taken as they arrive; one
                    // left unacknowledged would also hold a slot of the broker's in-flight window for good.
                    await client.AcknowledgeAsync(message, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }
                if (stoppingToken.IsCancellationRequested)
                {
                    // Read in the same instant the stop began: not taken, not acknowledged; the broker keeps it.
                    break;
                }
                var request = new MqttRequest(message.Topic, message.Payload, message.ResponseTopic, message.CorrelationData)
                {
                    Acknowledge = () => client.AcknowledgeAsync(message),
                    Retained = message.Retain,
                };
                var task = Task.Run(() => handler.HandleAsync(request, stoppingToken), CancellationToken.None);
                _running[task] = true;
                _ = task.ContinueWith(t =>
                {
                    _running.TryRemove(t, out _);
                    if (t.Exception is { } e && _handlerFailures.ShouldLog(nameof(LogRequestFailed), out var held))
                    {
                        LogRequestFailed(logger, held, e.GetBaseException());
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        otaQueue.Writer.TryComplete();
        await Task.WhenAll(telemetry, otaWorker).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until every request taken has its final: the engine finishes or cancels each within the drain time.
    /// A handler still running after that (its final stuck at a broker that is gone) ends with the process.
    /// </summary>
    private async Task DrainAsync()
    {
        var drain = TimeSpan.FromSeconds(options.Value.ShutdownDrainSeconds + 5);
        var running = Task.WhenAll(_running.Keys);
        await running.WaitAsync(drain, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!running.IsCompleted)
        {
            LogDrainTimedOut(logger, _running.Count);
        }
    }

    private MqttConnectionOptions ConnectionOptions(EdgeLLMOptions settings)
    {
        var mqtt = settings.Mqtt;
        return new MqttConnectionOptions
        {
            Host = mqtt.Host,
            Port = mqtt.Port,
            Protocol = mqtt.ProtocolVersion == MqttFrontOptions.Protocol311 ? MqttProtocol.V311 : MqttProtocol.V500,
            ClientId = mqtt.ClientId ?? $"edgellm-{Topics.DeviceId}",
            CleanStart = false,
            // A request is acknowledged once taken, so that those the service does not take stay at the broker.
            ManualAcknowledgement = true,
            SessionExpiry = TimeSpan.FromSeconds(mqtt.SessionExpirySeconds),
            KeepAlive = TimeSpan.FromSeconds(mqtt.KeepAliveSeconds),
            Username = mqtt.Username,
            Password = mqtt.Password,
            Tls = new MqttTlsOptions
            {
                Enabled = mqtt.TlsCaFile is not null,
                CaFile = mqtt.TlsCaFile,
                CertificateFile = mqtt.TlsCertFile,
                KeyFile = mqtt.TlsKeyFile,
            },
            LastWill = new MqttMessage { Topic = Topics.Status, Payload = DevicePayloads.Offline(), Retain = true },
            ReconnectDelay = TimeSpan.FromMilliseconds(500),
            MaxReconnectDelay = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Keeps trying: an unreachable broker is retried inside the connection; a refusal is retried here, slowly.</summary>
    private async Task ConnectAsync(MqttConnection client, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await client.ConnectAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (MqttException e)
            {
                LogConnectRefused(logger, options.Value.Mqtt.Host, options.Value.Mqtt.Port, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(15), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task SubscribeAsync(MqttConnection client, CancellationToken stoppingToken)
    {
        var filters = new List<string> { Topics.Request, Topics.Ota, Topics.FleetOta(ota.Group) };
        if (Topics.PoolRequestSubscription is { } pool)
        {
            filters.Add(pool);
        }
        // Retain As Published (MQTT 5) keeps the retain flag of a request delivered live, so a retained request is
        // recognised the first time and not only when the broker hands it over again on the next subscribe.
        var requests = options.Value.Mqtt.ProtocolVersion == MqttFrontOptions.Protocol311 ? MqttSubscriptionOptions.None : MqttSubscriptionOptions.RetainAsPublished;
        foreach (var filter in filters)
        {
            var subscription = filter == Topics.Request || filter == Topics.PoolRequestSubscription ? requests : MqttSubscriptionOptions.None;
            await client.SubscribeAsync(filter, MqttQualityOfService.AtLeastOnce, subscription, stoppingToken).ConfigureAwait(false);
        }
        LogSubscribed(logger, string.Join(", ", filters));
    }

    private async Task TelemetryLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.Telemetry.IntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Publish(Topics.Telemetry, DevicePayloads.Telemetry(host.Current, device), retain: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void PublishStatus()
    {
        // The status is retained and published again on every (re)connect, so a change before the first connect
        // (the model loading) has nothing to do yet.
        if (!_subscribed || _client is not { IsConnected: true })
        {
            return;
        }
        var state = host.IsReady ? _state : "degraded";
        Publish(Topics.Status, DevicePayloads.Status(state, host.Current, host.Plan.DeviceProfile, _since, ota.Group), retain: true);
    }

    /// <summary>Fire-and-forget publishes (status, telemetry) never wait for the broker; a failure is only logged.</summary>
    private void Publish(string topic, byte[] payload, bool retain)
    {
        if (_client is not { } client)
        {
            return;
        }
        var sent = client.PublishAsync(new MqttMessage { Topic = topic, Payload = payload, Retain = retain, ContentType = "application/json" }).AsTask();
        _ = sent.ContinueWith(t => LogPublishFailed(logger, topic, t.Exception!.GetBaseException().Message), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 6111, Level = LogLevel.Information, Message = "MQTT connected to {Host}:{Port}; serving {Prefix}")]
    private static partial void LogConnected(ILogger logger, string host, int port, string prefix);

    [LoggerMessage(EventId = 6112, Level = LogLevel.Error, Message = "MQTT broker {Host}:{Port} refused the connection: {Reason}; retrying")]
    private static partial void LogConnectRefused(ILogger logger, string host, int port, string reason);

    [LoggerMessage(EventId = 6113, Level = LogLevel.Information, Message = "MQTT subscribed to {Filters}")]
    private static partial void LogSubscribed(ILogger logger, string filters);

    [LoggerMessage(EventId = 6110, Level = LogLevel.Error, Message = "An MQTT request handler failed ({Suppressed} more failures not logged)")]
    private static partial void LogRequestFailed(ILogger logger, int suppressed, Exception exception);

    [LoggerMessage(EventId = 6114, Level = LogLevel.Warning, Message = "MQTT publish to {Topic} failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 6117, Level = LogLevel.Warning, Message = "{Count} MQTT requests were still publishing their finals when the drain time ran out")]
    private static partial void LogDrainTimedOut(ILogger logger, int count);

    [LoggerMessage(EventId = 6115, Level = LogLevel.Warning, Message = "The offline status was not published: {Reason}")]
    private static partial void LogOfflineNotPublished(ILogger logger, string reason);
}
