using System.Text;
using System.Text.Json;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>Issue 18's reply-routing cases at the handler: a reply topic that cannot take a reply, and requesters sharing an id.</summary>
public sealed class MqttReplyRoutingTests(ServingFixture serving) : IClassFixture<ServingFixture>, IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("edgellm-route-").FullName;
    private readonly RecordingOutbox _outbox = new();

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private MqttRequestHandler Handler(DedupStore dedup) => new(serving.Gateway, new RequestReader(65536), dedup, _outbox,
        new TopicNames("edgellm", "dev1"), NullLogger<MqttRequestHandler>.Instance);

    private static MqttRequest Request(string json, string? responseTopic = null, byte[]? correlation = null) =>
        new("edgellm/dev1/request", Encoding.UTF8.GetBytes(json), responseTopic, correlation ?? ReadOnlyMemory<byte>.Empty);

    [Theory]
    [InlineData("rt/#", "{\"id\":\"w1\",\"prompt\":\"hello\",\"max_tokens\":2}", "w1")]
    [InlineData("rt/+/y", "{\"id\":\"w2\",\"prompt\":\"hello\",\"max_tokens\":2}", "w2")]
    [InlineData("$SYS/x", "{\"id\":\"w3\",\"prompt\":\"hello\",\"max_tokens\":2}", "w3")]
    [InlineData("rt/#", "not json", null)]
    public async Task A_response_topic_that_cannot_take_a_reply_gets_a_bad_request_on_the_error_topic(string responseTopic, string payload, string? id)
    {
        using var dedup = new DedupStore(_state, TimeSpan.FromMinutes(10));
        var before = serving.Metrics.RequestsTotal;
        await Handler(dedup).HandleAsync(Request(payload, responseTopic, [7, 7]), default);
        var (topic, bytes, _, correlation) = Assert.Single(_outbox.Published);
        Assert.Equal("edgellm/dev1/response/error", topic);
        Assert.Equal(new byte[] { 7, 7 }, correlation);
        var final = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal(id, final.GetProperty("id").GetString());
        Assert.Equal("bad_request", final.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(responseTopic, final.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(before + 1, serving.Metrics.RequestsTotal);
    }

    [Theory]
    [InlineData("sensors/#")]
    [InlineData("$SYS/broker/x")]
    public async Task A_reply_to_that_cannot_take_a_reply_gets_a_bad_request_on_the_error_topic_with_the_id(string replyTo)
    {
        using var dedup = new DedupStore(_state, TimeSpan.FromMinutes(10));
        await Handler(dedup).HandleAsync(Request(JsonSerializer.Serialize(new { id = "rt1", prompt = "hello", max_tokens = 2, reply_to = replyTo })), default);
        var (topic, bytes, _, _) = Assert.Single(_outbox.Published);
        Assert.Equal("edgellm/dev1/response/error", topic);
        var final = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal("rt1", final.GetProperty("id").GetString());
        Assert.StartsWith("reply_to \"", final.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Three_requesters_sharing_an_id_and_response_topic_each_get_a_final_with_their_own_correlation_data()
    {
        using var dedup = new DedupStore(_state, TimeSpan.FromMinutes(10));
        var handler = Handler(dedup);
        const string payload = "{\"id\":\"shared\",\"prompt\":\"hello\",\"max_tokens\":3}";
        await Task.WhenAll(new byte[][] { [1], [2], [3] }.Select(c => handler.HandleAsync(Request(payload, "clients/inbox", c), default)));
        var finals = _outbox.Published.Where(p => p.Topic == "clients/inbox").ToList();
        Assert.Equal(3, finals.Count);
        Assert.Equal(new byte[] { 1, 2, 3 }, finals.Select(f => f.Correlation.Single()).Order());
        Assert.All(finals, f => Assert.Equal("shared", JsonDocument.Parse(f.Payload).RootElement.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_refused_request_is_counted_in_the_request_metrics_under_its_error_code()
    {
        using var dedup = new DedupStore(_state, TimeSpan.FromMinutes(10));
        await Handler(dedup).HandleAsync(Request("{\"id\":\"m1\",\"prompt\":5}"), default);
        Assert.Contains("edgellm_requests_total{transport=\"mqtt\",outcome=\"bad_request\"}", serving.Metrics.Render());
    }

    [Fact]
    public async Task A_flood_of_bad_payloads_logs_one_line_without_a_stack_trace_yet_answers_each()
    {
        using var dedup = new DedupStore(_state, TimeSpan.FromMinutes(10));
        var logger = new Logging.RecordingLogger<MqttRequestHandler>();
        var handler = new MqttRequestHandler(serving.Gateway, new RequestReader(65536), dedup, _outbox, new TopicNames("edgellm", "dev1"), logger);
        for (var i = 0; i < 300; i++)
        {
            await handler.HandleAsync(Request(i % 2 == 0 ? "not json" : "{\"id\":\"x\",\"prompt\":\"a \\ud800 b\"}"), default);
        }
        Assert.Equal(300, _outbox.Published.Count);
        // One line per 10 s: a slow machine may take a second interval, never hundreds of lines.
        Assert.InRange(logger.Lines.Count, 1, 3);
        Assert.All(logger.Lines, line => Assert.Null(line.Exception));
        Assert.Contains("bad_request", logger.Lines.First().Message);
    }
}
