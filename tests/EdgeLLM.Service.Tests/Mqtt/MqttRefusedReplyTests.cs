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
    private BrokerWatch _watch = null!;

    public async Task InitializeAsync() => _watch = await BrokerWatch.StartAsync("sensor-refused", ["edgellm/dev1/#"], new MosquittoBrokerOptions { AclLines = ["topic readwrite #", "topic deny denied/#"] });

    public async Task DisposeAsync() => await _watch.DisposeAsync();

    [Fact]
    public async Task A_final_the_broker_refuses_on_reply_to_arrives_on_the_error_topic_as_a_bad_request_with_the_id()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string>(_watch.ServiceSettings())
        {
            ["EdgeLLM:Telemetry:IntervalSeconds"] = "1",
        }, keepState: true);
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "edgellm/dev1/telemetry"));
        await _watch.Client.PublishAsync(new MqttMessage
        {
            Topic = "edgellm/dev1/request",
            Payload = "{\"id\":\"acl-1\",\"prompt\":\"hello\",\"max_tokens\":2,\"stream\":true,\"reply_to\":\"denied/x\"}"u8.ToArray(),
            CorrelationData = new byte[] { 4, 2 },
        });
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "edgellm/dev1/response/error"));
        var error = Assert.Single(_watch.Received, m => m.Topic == "edgellm/dev1/response/error");
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
