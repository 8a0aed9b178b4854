using System.Collections.Concurrent;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>
/// A real mosquitto broker, a test client on it that records every message on its filters (the sensor or device side
/// of an end-to-end test), and a state directory for the service under test; all removed on dispose.
/// </summary>
internal sealed class BrokerWatch : IAsyncDisposable
{
    private readonly Task _pump;

    private BrokerWatch(MosquittoBroker broker, MqttConnection client, string stateDirectory)
    {
        Broker = broker;
        Client = client;
        StateDirectory = stateDirectory;
        _pump = Task.Run(async () =>
        {
            await foreach (var m in client.Messages.ReadAllAsync())
            {
                Received.Enqueue(m);
            }
        });
    }

    public MosquittoBroker Broker { get; }

    public MqttConnection Client { get; }

    public string StateDirectory { get; }

    /// <summary>Every message the client received, in arrival order.</summary>
    public ConcurrentQueue<MqttMessage> Received { get; } = new();

    /// <summary>Starts the broker, connects the client (<paramref name="client"/> sets its options against the broker) and subscribes it.</summary>
    public static async Task<BrokerWatch> StartAsync(Func<MosquittoBroker, MqttConnectionOptions> client, IReadOnlyList<string> filters, MosquittoBrokerOptions? broker = null)
    {
        var started = await MosquittoBroker.StartAsync(broker);
        var connection = new MqttConnection(client(started));
        await connection.ConnectAsync();
        foreach (var filter in filters)
        {
            await connection.SubscribeAsync(filter);
        }
        return new BrokerWatch(started, connection, Directory.CreateTempSubdirectory("edgellm-mqtt-").FullName);
    }

    /// <summary>Starts the broker and a client named <paramref name="clientId"/> with default options.</summary>
    public static Task<BrokerWatch> StartAsync(string clientId, IReadOnlyList<string> filters, MosquittoBrokerOptions? broker = null) =>
        StartAsync(b => new MqttConnectionOptions { Host = b.Host, Port = b.Port, ClientId = clientId }, filters, broker);

    /// <summary>The settings of a service as device <c>dev1</c> on this broker, keeping its state in <see cref="StateDirectory"/>.</summary>
    public Dictionary<string, string> ServiceSettings() => new()
    {
        ["EdgeLLM:Mqtt:Enabled"] = "true",
        ["EdgeLLM:Mqtt:Host"] = Broker.Host,
        ["EdgeLLM:Mqtt:Port"] = Broker.Port.ToString(),
        ["EdgeLLM:DeviceId"] = "dev1",
        ["EdgeLLM:StateDir"] = StateDirectory,
    };

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _pump;
        await Broker.DisposeAsync();
        Directory.Delete(StateDirectory, recursive: true);
    }
}
