using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Cli.Fleet.Simulation;

/// <summary>
/// Many <see cref="SimulatedDevice"/>s in one process behind one MQTT session: it publishes each device's retained
/// <c>status</c>, subscribes to the manifest topics devices subscribe to (<c>{root}/+/ota</c> and the group's
/// <c>{root}/fleet/{group}/ota</c>), parses each manifest once and hands it to the devices it is addressed to, which
/// publish their own <c>ota/status</c>. One session instead of one per device keeps a thousand devices cheap on a small
/// machine; what the broker and the operator see on the topics is what real devices publish.
/// </summary>
internal sealed partial class FleetSimulator : IAsyncDisposable
{
    private readonly FleetSimulatorOptions _options;
    private readonly FleetBrokerOptions _broker;
    private readonly FleetTopics _topics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, SimulatedDevice> _devices = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private OtaTrustedKeySet? _keys;
    private FleetConnection? _connection;
    private Task _dispatch = Task.CompletedTask;

    public FleetSimulator(FleetSimulatorOptions options, FleetBrokerOptions broker, ILogger? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _broker = broker ?? throw new ArgumentNullException(nameof(broker));
        options.Validate();
        _topics = new FleetTopics(options.Root);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The devices by id (once started).</summary>
    public IReadOnlyDictionary<string, SimulatedDevice> Devices => _devices;

    /// <summary>Loads the trusted keys, makes the devices, connects, publishes every device's retained status and subscribes to the manifest topics.</summary>
    /// <exception cref="FleetBrokerException">The broker could not be reached or refused.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (_connection is not null)
        {
            throw new InvalidOperationException("the simulator is already started");
        }

        // One key set for every device: they all trust the same directory, and a thousand copies of it would be waste.
        _keys = OtaTrustedKeySet.LoadDirectory(_options.TrustedKeysDir);
        foreach (var id in _options.DeviceIds())
        {
            _devices.Add(id, new SimulatedDevice(id, _options, _keys, PublishAsync, _logger));
        }

        _connection = await FleetConnection.ConnectAsync(_broker, _topics, cancellationToken, _options.Time).ConfigureAwait(false);
        await Task.WhenAll(_devices.Values.Select(d => d.PublishStatusAsync("online", cancellationToken))).ConfigureAwait(false);
        await _connection.SubscribeAsync([$"{_topics.Root}/+/ota", _topics.GroupOta(_options.Group)], cancellationToken).ConfigureAwait(false);
        _dispatch = DispatchAsync(_connection, _stopping.Token);
        LogStarted(_logger, _devices.Count, _options.Group, _broker.ToString());
    }

    /// <summary>Completes when the session ends (the broker went away) or the simulator stops.</summary>
    public Task Completion => _dispatch;

    /// <summary>Stops every device and publishes their <c>offline</c> status, as their Last Will would.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _dispatch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_devices.Values.Select(d => d.Idle)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_connection is not null)
        {
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await Task.WhenAll(_devices.Values.Select(d => d.PublishStatusAsync("offline", limit.Token))).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FleetBrokerException or OperationCanceledException or InvalidOperationException)
            {
                // The broker is gone: nothing to tell it.
            }

            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _keys?.Dispose();
        _stopping.Dispose();
    }

    private async Task DispatchAsync(FleetConnection connection, CancellationToken cancellationToken)
    {
        var groupTopic = _topics.GroupOta(_options.Group);
        try
        {
            await foreach (var message in connection.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (message.Payload.IsEmpty)
                {
                    continue; // A manifest taken down: devices keep what they have.
                }

                IEnumerable<SimulatedDevice> addressed = message.Topic == groupTopic
                    ? _devices.Values
                    : DeviceOf(message.Topic) is { } one ? [one] : [];
                OtaManifest manifest;
                try
                {
                    manifest = OtaManifest.Parse(message.Payload.Span);
                }
                catch (OtaManifestException e)
                {
                    foreach (var device in addressed)
                    {
                        device.ReceiveInvalid("", "", e.Message, cancellationToken);
                    }

                    continue;
                }

                LogManifest(_logger, manifest.ToString(), manifest.Abort, manifest.Rollout.Percent, message.Topic);
                foreach (var device in addressed)
                {
                    device.Receive(manifest, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The device of <c>{root}/{id}/ota</c>, or null.</summary>
    private SimulatedDevice? DeviceOf(string topic)
    {
        var prefix = _topics.Root + "/";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal) || !topic.EndsWith("/ota", StringComparison.Ordinal))
        {
            return null;
        }

        var id = topic[prefix.Length..^"/ota".Length];
        return _devices.GetValueOrDefault(id);
    }

    private Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken) =>
        _connection?.PublishAsync(topic, payload, retain: true, cancellationToken)
        ?? throw new InvalidOperationException("the simulator is not started");

    [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "Simulating {Devices} devices of group {Group} on {Broker}")]
    private static partial void LogStarted(ILogger logger, int devices, string group, string broker);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Information, Message = "Manifest {Manifest} (abort: {Abort}, rollout {Percent}%) on {Topic}")]
    private static partial void LogManifest(ILogger logger, string manifest, bool abort, int percent, string topic);
}
