using System.Text;
using System.Text.Json;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Mqtt;
using EdgeLLM.Service.Tests.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>Contract section 2's request/response rules, at the handler (no broker).</summary>
public sealed class MqttRequestHandlerTests(ServingFixture serving) : IClassFixture<ServingFixture>, IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("edgellm-dedup-").FullName;
    private readonly RecordingOutbox _outbox = new();

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private MqttRequestHandler Handler(DedupStore? dedup = null) => new(serving.Gateway, new RequestReader(65536),
        dedup ?? new DedupStore(_state, TimeSpan.FromMinutes(10)), _outbox, new TopicNames("edgellm", "dev1"), NullLogger<MqttRequestHandler>.Instance);

    private static MqttRequest Request(string json, string? responseTopic = null, byte[]? correlation = null) =>
        new("edgellm/dev1/request", Encoding.UTF8.GetBytes(json), responseTopic, correlation ?? ReadOnlyMemory<byte>.Empty);

    [Fact]
    public async Task Messages_get_the_chat_template_and_the_final_goes_to_the_default_topic()
    {
        var c = DefaultModelSmoke.Cases[0];
        await Handler().HandleAsync(Request(JsonSerializer.Serialize(new { id = "r-17", messages = new[] { new { role = "user", content = c.UserMessage } }, temperature = 0 })), default);
        var final = Assert.Single(_outbox.On("edgellm/dev1/response/r-17"));
        Assert.Equal("r-17", final.GetProperty("id").GetString());
        Assert.True(final.GetProperty("done").GetBoolean());
        Assert.Equal("iot-assist", final.GetProperty("model").GetString());
        Assert.Equal(c.Text, final.GetProperty("text").GetString());
        Assert.Equal("stop", final.GetProperty("finish_reason").GetString());
        var usage = final.GetProperty("usage");
        foreach (var field in new[] { "prompt_tokens", "completion_tokens", "ttft_ms", "total_ms", "tokens_per_s", "energy_j" })
        {
            Assert.Equal(JsonValueKind.Number, usage.GetProperty(field).ValueKind);
        }
    }

    [Fact]
    public async Task Response_topic_wins_over_reply_to_and_correlation_data_comes_back_unchanged()
    {
        byte[] correlation = [0, 1, 2, 250, 255];
        await Handler().HandleAsync(Request("{\"id\":\"a\",\"prompt\":\"hello\",\"max_tokens\":3,\"reply_to\":\"sensors/s1/reply\"}", "clients/c9/inbox", correlation), default);
        var published = Assert.Single(_outbox.Published);
        Assert.Equal("clients/c9/inbox", published.Topic);
        Assert.Equal(correlation, published.Correlation);
        await Handler().HandleAsync(Request("{\"id\":\"b\",\"prompt\":\"hello\",\"max_tokens\":3,\"reply_to\":\"sensors/s1/reply\"}"), default);
        Assert.Single(_outbox.On("sensors/s1/reply"));
    }

    [Fact]
    public async Task Streaming_sends_numbered_chunks_then_one_final_with_the_whole_text()
    {
        var c = DefaultModelSmoke.Cases[1];
        await Handler().HandleAsync(Request(JsonSerializer.Serialize(new { id = "s1", prompt = c.Prompt, parse_special_tokens = true, stream = true, temperature = 0 })), default);
        var all = _outbox.On("edgellm/dev1/response/s1");
        var chunks = all.Where(m => !m.TryGetProperty("done", out _)).ToList();
        Assert.True(chunks.Count > 2);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(m => m.GetProperty("seq").GetInt32()));
        Assert.All(chunks, m => Assert.Equal("s1", m.GetProperty("id").GetString()));
        var final = Assert.Single(all, m => m.TryGetProperty("done", out _));
        Assert.Equal(all[^1].GetRawText(), final.GetRawText());
        Assert.Equal(c.Text, string.Concat(chunks.Select(m => m.GetProperty("delta").GetString())));
        Assert.Equal(c.Text, final.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_missing_id_is_generated_and_echoed()
    {
        await Handler().HandleAsync(Request("{\"prompt\":\"hi\",\"max_tokens\":2}"), default);
        var (topic, payload, _, _) = Assert.Single(_outbox.Published);
        var id = JsonDocument.Parse(payload).RootElement.GetProperty("id").GetString()!;
        Assert.Equal($"edgellm/dev1/response/{id}", topic);
    }

    [Theory]
    [InlineData("not json at all", null, "bad_request")]
    [InlineData("[]", null, "bad_request")]
    [InlineData("{\"id\":5,\"prompt\":\"x\"}", null, "bad_request")]
    [InlineData("{\"id\":\"e1\"}", "e1", "bad_request")]
    [InlineData("{\"id\":\"e2\",\"prompt\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}", "e2", "bad_request")]
    [InlineData("{\"id\":\"e3\",\"prompt\":\"x\",\"max_tokens\":-1}", "e3", "bad_request")]
    [InlineData("{\"id\":\"e4\",\"prompt\":\"x\",\"model\":\"llama-70b\"}", "e4", "model_unavailable")]
    [InlineData("{\"id\":\"e5\",\"prompt\":\"x\",\"priority\":\"urgent\"}", "e5", "bad_request")]
    [InlineData("{\"id\":\"e6\",\"prompt\":\"x\",\"deadline_ms\":0}", "e6", "bad_request")]
    public async Task Bad_input_gets_an_error_final(string payload, string? id, string code)
    {
        await Handler().HandleAsync(Request(payload), default);
        var (topic, bytes, _, _) = Assert.Single(_outbox.Published);
        Assert.Equal(id is null ? "edgellm/dev1/response/error" : $"edgellm/dev1/response/{id}", topic);
        var final = JsonDocument.Parse(bytes).RootElement;
        Assert.True(final.GetProperty("done").GetBoolean());
        Assert.Equal(code, final.GetProperty("error").GetProperty("code").GetString());
        if (id is null)
        {
            Assert.Equal(JsonValueKind.Null, final.GetProperty("id").ValueKind);
        }
    }

    [Fact]
    public async Task An_id_that_cannot_name_a_topic_is_refused_on_the_error_topic()
    {
        await Handler().HandleAsync(Request("{\"id\":\"a+b\",\"prompt\":\"x\"}"), default);
        var (topic, bytes, _, _) = Assert.Single(_outbox.Published);
        Assert.Equal("edgellm/dev1/response/error", topic);
        var final = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal("a+b", final.GetProperty("id").GetString());
        Assert.Equal("bad_request", final.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_prompt_beyond_the_context_is_context_overflow()
    {
        var prompt = string.Concat(Enumerable.Repeat("open the garage door please ", 300));
        await Handler().HandleAsync(Request(JsonSerializer.Serialize(new { id = "long", prompt })), default);
        Assert.Equal("context_overflow", Assert.Single(_outbox.On("edgellm/dev1/response/long")).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_payload_over_the_limit_is_payload_too_large_on_the_error_topic()
    {
        var handler = new MqttRequestHandler(serving.Gateway, new RequestReader(1024), new DedupStore(_state, TimeSpan.FromMinutes(10)), _outbox, new TopicNames("edgellm", "dev1"),
            NullLogger<MqttRequestHandler>.Instance);
        await handler.HandleAsync(Request(JsonSerializer.Serialize(new { id = "big", prompt = new string('x', 4000) }), "reply/here"), default);
        var (topic, bytes, _, _) = Assert.Single(_outbox.Published);
        Assert.Equal("reply/here", topic);
        Assert.Equal("payload_too_large", JsonDocument.Parse(bytes).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_redelivered_id_is_answered_from_the_store_even_after_a_restart()
    {
        var request = Request("{\"id\":\"dup-1\",\"prompt\":\"hello\",\"max_tokens\":20,\"temperature\":1.3,\"seed\":99}");
        using (var store = new DedupStore(_state, TimeSpan.FromMinutes(10)))
        {
            await Handler(store).HandleAsync(request, default);
            await Handler(store).HandleAsync(request, default);
        }
        using (var reopened = new DedupStore(_state, TimeSpan.FromMinutes(10)))
        {
            await Handler(reopened).HandleAsync(request, default);
        }
        var finals = _outbox.On("edgellm/dev1/response/dup-1").Select(f => f.GetRawText()).ToList();
        Assert.Equal(3, finals.Count);
        Assert.Single(finals.Distinct());
    }
}
