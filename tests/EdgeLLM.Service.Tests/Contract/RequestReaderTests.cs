using System.Text;
using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Tests.Contract;

public class RequestReaderTests
{
    private readonly RequestReader _reader = new(65536);

    private ParsedRequest Read(string json, RequestDialect dialect = RequestDialect.Mqtt) => _reader.Read(Encoding.UTF8.GetBytes(json), dialect);

    /// <summary>Issue 27: the field an error names first in its message is also its <c>Field</c> (REST's <c>param</c>).</summary>
    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"a \ud800"}]}""", RequestDialect.OpenAiChat, "messages[0].content")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"function","function":{"name":"f"}}}""", RequestDialect.OpenAiChat, "tool_choice")]
    [InlineData("""{"prompt":"x","model":7}""", RequestDialect.OpenAiCompletion, "model")]
    [InlineData("""{"prompt":"x","priority":"urgent"}""", RequestDialect.Mqtt, "priority")]
    [InlineData("""{"prompt":"x","stream_options":{"include_usage":true}}""", RequestDialect.OpenAiCompletion, "stream_options")]
    public void A_field_error_carries_the_field_its_message_starts_with(string json, RequestDialect dialect, string field)
    {
        var error = Read(json, dialect).Error!;
        Assert.Equal(field, error.Field);
        Assert.StartsWith(field + ": ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"prompt":"x","messages":[{"role":"user","content":"x"}]}""", RequestDialect.Mqtt)]
    [InlineData("not json", RequestDialect.OpenAiChat)]
    public void An_error_of_no_single_field_has_no_field(string json, RequestDialect dialect) =>
        Assert.Null(Read(json, dialect).Error!.Field);

    [Fact]
    public void Stream_options_is_read_for_openai_streams_and_ignored_over_mqtt()
    {
        Assert.True(Read("""{"prompt":"x","stream":true,"stream_options":{"include_usage":true}}""", RequestDialect.OpenAiCompletion).IncludeUsage);
        Assert.False(Read("""{"prompt":"x","stream":true,"stream_options":{}}""", RequestDialect.OpenAiCompletion).IncludeUsage);
        var mqtt = Read("""{"prompt":"x","stream_options":"anything"}""");
        Assert.Null(mqtt.Error);
        Assert.False(mqtt.IncludeUsage);
    }

    [Fact]
    public void The_contract_example_reads_every_field()
    {
        var p = Read("""
            {"id": "r-17", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
             "model": "iot-assist", "max_tokens": 128, "temperature": 0.7, "top_p": 0.9, "top_k": 40,
             "repetition_penalty": 1.1, "seed": 42, "stop": ["\n\n"], "stream": true,
             "response_format": {"type": "json_object"}, "priority": "high", "energy_budget_j": 5.0,
             "deadline_ms": 2000, "reply_to": "sensors/s1/reply", "unknown_field": {"x": 1}}
            """);
        Assert.Null(p.Error);
        var r = p.Request!;
        Assert.Equal("r-17", p.Id);
        Assert.Equal("r-17", r.Id);
        Assert.Equal(2, r.Messages!.Count);
        Assert.Equal(new PromptMessage("user", "hi"), r.Messages[1]);
        Assert.Null(r.Prompt);
        Assert.Equal(128, r.MaxTokens);
        Assert.Equal(0.7f, r.Temperature);
        Assert.Equal(40, r.TopK);
        Assert.Equal(42UL, r.Seed);
        Assert.Equal(["\n\n"], r.Stop);
        Assert.Equal(RequestPriority.High, r.Priority);
        Assert.Equal(5.0, r.EnergyBudgetJ);
        Assert.Equal(TimeSpan.FromMilliseconds(2000), r.StartDeadline - r.ReceivedAt);
        Assert.True(p.Stream);
        Assert.True(p.JsonResponse);
        Assert.Equal("sensors/s1/reply", p.ReplyTo);
    }

    [Fact]
    public void A_missing_id_is_generated_and_sampling_fields_stay_unset()
    {
        var p = Read("""{"prompt": "turn on the lights"}""");
        Assert.Null(p.Error);
        Assert.StartsWith("r-", p.Id);
        Assert.Equal(p.Id, p.Request!.Id);
        Assert.Null(p.Request.Temperature);
        Assert.Null(p.Request.MaxTokens);
        Assert.Empty(p.Request.Stop);
    }

    [Theory]
    [InlineData("""{"id": "a"}""", "exactly one of prompt and messages")]
    [InlineData("""{"id": "a", "prompt": "x", "messages": [{"role": "user", "content": "y"}]}""", "exactly one of prompt and messages")]
    [InlineData("""{"id": "a", "prompt": ""}""", "prompt: must be a non-empty string")]
    [InlineData("""{"id": "a", "prompt": 5}""", "prompt: must be a string, found a number")]
    [InlineData("""{"id": "a", "prompt": "x", "max_tokens": 0}""", "max_tokens: must be 1 or more")]
    [InlineData("""{"id": "a", "prompt": "x", "max_tokens": -3}""", "max_tokens: must be 1 or more")]
    [InlineData("""{"id": "a", "prompt": "x", "max_tokens": "ten"}""", "max_tokens: must be an integer")]
    [InlineData("""{"id": "a", "prompt": "x", "temperature": "hot"}""", "temperature: must be a number")]
    [InlineData("""{"id": "a", "prompt": "x", "stream": "yes"}""", "stream: must be true or false")]
    [InlineData("""{"id": "a", "prompt": "x", "priority": "urgent"}""", "priority: must be low, normal or high")]
    [InlineData("""{"id": "a", "prompt": "x", "stop": [1]}""", "stop[0]: must be a non-empty string")]
    [InlineData("""{"id": "a", "messages": []}""", "messages: must be a non-empty list")]
    [InlineData("""{"id": "a", "messages": [{"role": "robot", "content": "x"}]}""", "messages[0].role")]
    [InlineData("""{"id": "a", "messages": [{"role": "user"}]}""", "messages[0].content: required")]
    [InlineData("""{"id": "a", "prompt": "x", "energy_budget_j": -1}""", "energy_budget_j: must be a positive number")]
    [InlineData("""{"id": "a", "prompt": "x", "deadline_ms": 0}""", "deadline_ms: must be positive")]
    [InlineData("""{"id": "a", "prompt": "x", "response_format": {"type": "xml"}}""", "response_format.type")]
    public void A_bad_field_is_a_bad_request_that_names_it_and_echoes_the_id(string json, string expected)
    {
        var p = Read(json);
        Assert.Null(p.Request);
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error!.Code);
        Assert.Contains(expected, p.Error.Message);
        Assert.Equal("a", p.Id);
    }

    [Theory]
    [InlineData("not json at all", "payload is not JSON")]
    [InlineData("[1, 2, 3]", "payload must be a JSON object")]
    [InlineData("\"just a string\"", "payload must be a JSON object")]
    [InlineData("{\"id\": 17, \"prompt\": \"x\"}", "id: must be a string")]
    [InlineData("", "payload is not JSON")]
    public void An_unreadable_payload_is_a_bad_request_without_an_id(string body, string expected)
    {
        var p = Read(body);
        Assert.Null(p.Id);
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error!.Code);
        Assert.Contains(expected, p.Error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_before_parsing()
    {
        var p = _reader.Read([(byte)'{', 0xC3, 0x28, (byte)'}'], RequestDialect.Mqtt);
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error!.Code);
        Assert.Contains("UTF-8", p.Error.Message);
    }

    [Fact]
    public void An_id_longer_than_128_characters_is_refused()
    {
        var p = Read($$"""{"id": "{{new string('x', 129)}}", "prompt": "x"}""");
        Assert.Contains("id: must be 1 to 128 characters", p.Error!.Message);
    }

    [Fact]
    public void A_payload_over_the_limit_is_payload_too_large()
    {
        var reader = new RequestReader(100);
        var p = reader.Read(Encoding.UTF8.GetBytes($$"""{"prompt": "{{new string('a', 200)}}"}"""), RequestDialect.Mqtt);
        Assert.Equal(GenerationErrorCode.PayloadTooLarge, p.Error!.Code);
    }

    [Fact]
    public void OpenAI_chat_bodies_need_messages_and_accept_text_parts()
    {
        var p = Read("""{"model": "iot-assist", "messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}], "max_completion_tokens": 9}""", RequestDialect.OpenAiChat);
        Assert.Null(p.Error);
        Assert.Equal("ab", p.Request!.Messages![0].Content);
        Assert.Equal(9, p.Request.MaxTokens);
        Assert.Contains("messages: required", Read("""{"prompt": "x"}""", RequestDialect.OpenAiChat).Error!.Message);
        Assert.Contains("n: only 1", Read("""{"messages": [{"role": "user", "content": "x"}], "n": 2}""", RequestDialect.OpenAiChat).Error!.Message);
    }

    [Fact]
    public void A_thousand_malformed_payloads_each_get_an_error_and_never_throw()
    {
        var rng = new Random(1234);
        var valid = Encoding.UTF8.GetBytes("""{"id": "r-1", "prompt": "turn on the lights", "max_tokens": 8, "stream": false}""");
        for (var i = 0; i < 1000; i++)
        {
            var bytes = (byte[])valid.Clone();
            // flip, drop or splice random bytes: truncations, bad UTF-8, wrong tokens
            var edits = 1 + rng.Next(4);
            for (var e = 0; e < edits; e++)
            {
                bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            }
            if (i % 7 == 0)
            {
                bytes = bytes[..rng.Next(bytes.Length)];
            }
            var p = _reader.Read(bytes, RequestDialect.Mqtt);
            Assert.True(p.Error is not null || p.Request is not null);
        }
    }
}
