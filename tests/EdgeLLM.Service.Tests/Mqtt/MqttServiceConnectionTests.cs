using System.Text.Json;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Tests.Infrastructure;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>How the service reaches its broker: TLS with a client certificate and a password, and MQTT 3.1.1.</summary>
public sealed class MqttServiceConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly string _state = Directory.CreateTempSubdirectory("edgellm-mqtt-conn-").FullName;
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        _certificates.Dispose();
        Directory.Delete(_state, recursive: true);
    }

    private async Task<MqttConnection> SensorAsync(MosquittoBroker broker, string? user = null, string? password = null)
    {
        var sensor = new MqttConnection(new MqttConnectionOptions
        {
            Host = broker.Host, Port = broker.Port, ClientId = "sensor", CleanStart = true, Username = user, Password = password,
        });
        _owned.Add(sensor);
        await sensor.ConnectAsync();
        await sensor.SubscribeAsync("edgellm/dev1/status");
        await sensor.SubscribeAsync("replies/#");
        return sensor;
    }

    private async Task<RunningService> ServiceAsync(MosquittoBroker broker, int port, Dictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["EdgeLLM:Mqtt:Enabled"] = "true",
            ["EdgeLLM:Mqtt:Host"] = broker.Host,
            ["EdgeLLM:Mqtt:Port"] = port.ToString(),
            ["EdgeLLM:DeviceId"] = "dev1",
            ["EdgeLLM:StateDir"] = _state,
        };
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }
        var service = await RunningService.StartAsync(settings, keepState: true);
        _owned.Add(service);
        return service;
    }

    private static async Task<MqttMessage> NextAsync(MqttConnection sensor, Func<MqttMessage, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var message = await sensor.Messages.ReadAsync(timeout.Token);
            if (wanted(message))
            {
                return message;
            }
        }
    }

    [Fact]
    public async Task Over_tls_with_a_client_certificate_and_a_password_the_service_comes_online_and_answers()
    {
        var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Users = [("edge", "edge-pass"), ("sensor", "sensor-pass")],
            Tls = _certificates.BrokerFiles,
            RequireClientCertificate = true,
        });
        _owned.Add(broker);
        var sensor = await SensorAsync(broker, "sensor", "sensor-pass");
        await ServiceAsync(broker, broker.TlsPort!.Value, new Dictionary<string, string>
        {
            ["EdgeLLM:Mqtt:TlsCaFile"] = _certificates.CaFile,
            ["EdgeLLM:Mqtt:TlsCertFile"] = _certificates.ClientCertificateFile,
            ["EdgeLLM:Mqtt:TlsKeyFile"] = _certificates.ClientKeyFile,
            ["EdgeLLM:Mqtt:Username"] = "edge",
            ["EdgeLLM:Mqtt:Password"] = "edge-pass",
        });
        await NextAsync(sensor, m => m.Topic == "edgellm/dev1/status" && m.PayloadAsString().Contains("\"online\""));
        await sensor.PublishAsync(MqttMessage.FromText("edgellm/dev1/request", "{\"id\":\"tls\",\"prompt\":\"hello\",\"max_tokens\":2,\"reply_to\":\"replies/tls\"}"));
        var final = await NextAsync(sensor, m => m.Topic == "replies/tls");
        Assert.Equal("tls", JsonDocument.Parse(final.Payload).RootElement.GetProperty("id").GetString());
        // mosquitto logs each connection: MQTT 5 (p5), persistent session (c0), the user name.
        Assert.Matches(@"as edgellm-dev1 \(p5, c0, k\d+, u'edge'\)", broker.ReadLog());
    }

    [Fact]
    public async Task Over_mqtt_3_1_1_requests_are_answered_on_reply_to_and_the_status_is_retained()
    {
        var broker = await MosquittoBroker.StartAsync();
        _owned.Add(broker);
        var sensor = await SensorAsync(broker);
        await ServiceAsync(broker, broker.Port, new Dictionary<string, string> { ["EdgeLLM:Mqtt:ProtocolVersion"] = "3.1.1" });
        var online = await NextAsync(sensor, m => m.Topic == "edgellm/dev1/status" && m.PayloadAsString().Contains("\"online\""));
        Assert.Null(online.ContentType); // 3.1.1 has no content type: the MQTT 5 properties were left out
        await sensor.PublishAsync(MqttMessage.FromText("edgellm/dev1/request", "{\"id\":\"old\",\"prompt\":\"hello\",\"max_tokens\":2,\"reply_to\":\"replies/old\"}"));
        var final = await NextAsync(sensor, m => m.Topic == "replies/old");
        Assert.True(JsonDocument.Parse(final.Payload).RootElement.TryGetProperty("finish_reason", out _));
        Assert.Matches(@"as edgellm-dev1 \(p2, c0, k\d+\)", broker.ReadLog()); // p2: mosquitto's number for MQTT 3.1.1
    }
}
