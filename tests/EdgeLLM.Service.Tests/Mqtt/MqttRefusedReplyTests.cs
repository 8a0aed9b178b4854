using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Tests.Infrastructure;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>Contract v1.1: a final the broker refuses where the request asked goes to the error topic (real mosquitto with an ACL).</summary>
public sealed class MqttRefusedReplyTests : IAsyncLifetime
{
    private MosquittoBroker _broker = null!;
    private MqttConnection _sensor = null!;
    private Task _pump = Task.CompletedTask;
    private readonly ConcurrentQueue<MqttMessage> _received = new();
    private readonly string _state = Directory.CreateTempSubdirectory("edgellm-refused-").FullName;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { AclLines = ["topic readwrite #", "topic deny denied/#"] });
        _sensor = new MqttConnection(new MqttConnectionOptions { Host = _broker.Host, Port = _broker.Port, ClientId = "sensor-refused" });
        await _sensor.ConnectAsync();
        await _sensor.SubscribeAsync("edgellm/dev1/#");
        _pump = Task.Run(async () =>
        {
            await foreach (var m in _sensor.Messages.ReadAllAsync())
            {
                _received.Enqueue(m);
            }
        });
    }

    public async Task DisposeAsync()
    {
        await _sensor.DisposeAsync();
        await _pump;
        await _broker.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }

    [Fact]
    public async Task A_final_the_broker_refuses_on_reply_to_arrives_on_the_error_topic_as_a_bad_request_with_the_id()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string>
        {
            ["EdgeLLM:Mqtt:Enabled"] = "true",
            ["EdgeLLM:Mqtt:Host"] = _broker.Host,
            ["EdgeLLM:Mqtt:Port"] = _broker.Port.ToString(),
            ["EdgeLLM:DeviceId"] = "dev1",
            ["EdgeLLM:StateDir"] = _state,
            ["EdgeLLM:Telemetry:IntervalSeconds"] = "1",
        }, keepState: true);
        await WaitForAsync(() => _received.Any(m => m.Topic == "edgellm/dev1/telemetry"));
        await _sensor.PublishAsync(new MqttMessage
        {
            Topic = "edgellm/dev1/request",
            Payload = "{\"id\":\"acl-1\",\"prompt\":\"hello\",\"max_tokens\":2,\"stream\":true,\"reply_to\":\"denied/x\"}"u8.ToArray(),
            CorrelationData = new byte[] { 4, 2 },
        });
        await WaitForAsync(() => _received.Any(m => m.Topic == "edgellm/dev1/response/error"));
        var error = Assert.Single(_received, m => m.Topic == "edgellm/dev1/response/error");
        Assert.Equal(new byte[] { 4, 2 }, error.CorrelationData.ToArray());
        var final = JsonDocument.Parse(error.Payload).RootElement;
        Assert.Equal("acl-1", final.GetProperty("id").GetString());
        Assert.True(final.GetProperty("done").GetBoolean());
        Assert.Equal("bad_request", final.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("denied/x", final.GetProperty("error").GetProperty("message").GetString());
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }
}
