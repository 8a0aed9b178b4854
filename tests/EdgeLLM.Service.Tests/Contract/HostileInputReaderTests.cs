using System.Text;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Tests.Contract;

/// <summary>Issue 18's hostile bodies at the reader: each is refused with a bad_request naming the problem, none throws.</summary>
public class HostileInputReaderTests
{
    private readonly RequestReader _reader = new(65536);

    private ParsedRequest Read(string json, RequestDialect dialect = RequestDialect.Mqtt) => _reader.Read(Encoding.UTF8.GetBytes(json), dialect);

    [Theory]
    [InlineData("""{"id": "s1", "prompt": "a \ud800 b"}""", "s1", "prompt")]
    [InlineData("""{"id": "s2", "messages": [{"role": "user", "content": "a \udfff b"}]}""", "s2", "messages[0].content")]
    [InlineData("""{"id": "s3", "messages": [{"role": "user", "content": [{"type": "text", "text": "\ud800"}]}]}""", "s3", "messages[0].content")]
    [InlineData("""{"id": "s4", "prompt": "x", "model": "\ud800"}""", "s4", "model")]
    [InlineData("""{"id": "s5", "prompt": "x", "stop": ["\ud800"]}""", "s5", "stop[0]")]
    [InlineData("""{"id": "s6", "prompt": "x", "stop": "\udc00"}""", "s6", "stop")]
    [InlineData("""{"id": "s7", "prompt": "x", "reply_to": "a/\ud800"}""", "s7", "reply_to")]
    [InlineData("""{"id": "s8", "prompt": "x", "priority": "\ud800"}""", "s8", "priority")]
    [InlineData("""{"id": "\ud800", "prompt": "x"}""", null, "id")]
    public void An_escaped_lone_surrogate_is_a_bad_request_naming_the_field(string json, string? id, string field)
    {
        var p = Read(json);
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error?.Code);
        Assert.StartsWith($"{field}: holds an escaped lone surrogate", p.Error!.Message);
        Assert.Equal(id, p.Id);
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_a_property_name_is_a_bad_request()
    {
        var p = Read("""{"\ud800": 1, "prompt": "x"}""");
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error?.Code);
    }

    [Fact]
    public void A_surrogate_pair_spelled_as_escapes_is_text()
    {
        var p = Read("""{"id": "pair", "prompt": "\ud83d\ude00"}""");
        Assert.Null(p.Error);
        Assert.Equal("\U0001F600", p.Request!.Prompt);
    }

    [Fact]
    public void A_utf8_byte_order_mark_before_the_json_is_skipped()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("""{"messages": [{"role": "user", "content": "hi"}]}""")).ToArray();
        var p = _reader.Read(body, RequestDialect.OpenAiChat);
        Assert.Null(p.Error);
        Assert.Equal("hi", p.Request!.Messages![0].Content);
    }

    [Theory]
    [InlineData("2.0001")]
    [InlineData("-0.5")]
    [InlineData("100")]
    public void A_temperature_outside_0_to_2_is_refused(string temperature)
    {
        var p = Read($$"""{"id": "t", "prompt": "x", "temperature": {{temperature}}}""");
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error?.Code);
        Assert.StartsWith("temperature: must be between 0 and 2", p.Error!.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    public void Temperatures_at_the_ends_of_the_range_are_accepted(string temperature)
    {
        Assert.Null(Read($$"""{"id": "t", "prompt": "x", "temperature": {{temperature}}}""").Error);
    }

    [Theory]
    [InlineData("temperature")]
    [InlineData("top_p")]
    [InlineData("energy_budget_j")]
    public void A_number_beyond_double_range_is_a_bad_request(string field)
    {
        var p = Read($$"""{"id": "big", "prompt": "x", "{{field}}": 1e400}""");
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error?.Code);
        Assert.StartsWith($"{field}: 1e400 is out of range", p.Error!.Message);
    }

    [Theory]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "logprobs": true}""", RequestDialect.OpenAiChat, "logprobs")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "top_logprobs": 3}""", RequestDialect.OpenAiChat, "top_logprobs")]
    [InlineData("""{"prompt": "hi", "logprobs": 2}""", RequestDialect.OpenAiCompletion, "logprobs")]
    [InlineData("""{"prompt": "hi", "echo": true}""", RequestDialect.OpenAiCompletion, "echo")]
    [InlineData("""{"prompt": "hi", "best_of": 3}""", RequestDialect.OpenAiCompletion, "best_of")]
    public void Openai_fields_the_runtime_cannot_honour_are_refused_by_name(string json, RequestDialect dialect, string field)
    {
        var p = Read(json, dialect);
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error?.Code);
        Assert.StartsWith($"{field}: not supported", p.Error!.Message);
    }

    [Theory]
    [InlineData("""{"prompt": "hi", "logprobs": null, "echo": false}""")]
    [InlineData("""{"prompt": "hi", "logprobs": 0}""")]
    public void Openai_fields_that_ask_for_nothing_are_accepted(string json)
    {
        Assert.Null(Read(json, RequestDialect.OpenAiCompletion).Error);
    }

    [Fact]
    public void A_content_part_whose_type_is_not_a_string_is_a_bad_request()
    {
        var p = Read("""{"messages": [{"role": "user", "content": [{"type": 5, "text": "x"}]}]}""", RequestDialect.OpenAiChat);
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error?.Code);
    }
}
