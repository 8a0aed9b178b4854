using System.Text;
using System.Text.Json;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Mqtt;
using EdgeLLM.Service.Tests.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>response_format, tools and a topic-bound schema over MQTT, at the handler (no broker).</summary>
public sealed class MqttConstrainedRequestTests(ServingFixture serving) : IClassFixture<ServingFixture>, IDisposable
{
    private const string SwitchSchema = """{"type":"object","properties":{"device":{"enum":["light","fan"]},"on":{"type":"boolean"}},"required":["device","on"],"additionalProperties":false}""";
    private readonly string _state = Directory.CreateTempSubdirectory("edgellm-dedup-").FullName;
    private readonly RecordingOutbox _outbox = new();

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private MqttRequestHandler Handler(OutputConstraint? bound = null) => new(serving.Gateway, new RequestReader(65536, bound: bound),
        new DedupStore(_state, TimeSpan.FromMinutes(10)), _outbox, new TopicNames("edgellm", "dev1"), NullLogger<MqttRequestHandler>.Instance);

    private static MqttRequest Request(string json) => new("edgellm/dev1/request", Encoding.UTF8.GetBytes(json), null, ReadOnlyMemory<byte>.Empty);

    [Fact]
    public async Task Tools_make_the_final_carry_tool_calls_and_finish_reason_tool_calls()
    {
        var request = """{"id":"t1","messages":[{"role":"user","content":"turn on the light"}],"temperature":0,"max_tokens":40,"tools":[{"type":"function","function":{"name":"switch","parameters":""" + SwitchSchema + """}}],"tool_choice":"required"}""";
        await Handler().HandleAsync(Request(request), default);
        var final = Assert.Single(_outbox.On("edgellm/dev1/response/t1"));
        Assert.Equal("tool_calls", final.GetProperty("finish_reason").GetString());
        var call = Assert.Single(final.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("switch", call.GetProperty("function").GetProperty("name").GetString());
        using var args = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Contains(args.RootElement.GetProperty("device").GetString(), new[] { "light", "fan" });
    }

    [Fact]
    public async Task A_schema_bound_to_the_topic_holds_requests_without_their_own_format()
    {
        await Handler(OutputConstraint.ForSchema(SwitchSchema, "switch")).HandleAsync(Request("""{"id":"b1","prompt":"hello","temperature":0,"max_tokens":30}"""), default);
        var final = Assert.Single(_outbox.On("edgellm/dev1/response/b1"));
        using var answer = JsonDocument.Parse(final.GetProperty("text").GetString()!);
        Assert.Equal(["device", "on"], answer.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","format":"uri"}}}""", "format")]
    [InlineData("""{"type":"object","properties":{"a":{"not":{"type":"string"}}}}""", "not")]
    public async Task An_unsupported_schema_keyword_is_a_bad_request_naming_it(string schema, string keyword)
    {
        await Handler().HandleAsync(Request("""{"id":"u1","prompt":"hi","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":""" + schema + """}}}"""), default);
        var final = Assert.Single(_outbox.On("edgellm/dev1/response/u1"));
        Assert.Equal("bad_request", final.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains($"\"{keyword}\"", final.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Max_tokens_below_the_shortest_answer_is_a_bad_request_saying_how_many_it_needs()
    {
        await Handler().HandleAsync(Request("""{"id":"m1","prompt":"hi","max_tokens":2,"response_format":{"type":"json_schema","json_schema":{"name":"switch","schema":""" + SwitchSchema + """}}}"""), default);
        var final = Assert.Single(_outbox.On("edgellm/dev1/response/m1"));
        Assert.Equal("bad_request", final.GetProperty("error").GetProperty("code").GetString());
        Assert.Matches("takes [0-9]+ tokens, but max_tokens is 2", final.GetProperty("error").GetProperty("message").GetString());
    }
}
