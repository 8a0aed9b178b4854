using System.Text;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Tests.Contract;

/// <summary>The request-reading findings of issue 27's second attack round, each pinned by what the reader now answers.</summary>
public sealed class SecondAttackRoundReaderTests
{
    private readonly RequestReader _reader = new(65536);

    private ParsedRequest Read(string json) => _reader.Read(Encoding.UTF8.GetBytes(json), RequestDialect.OpenAiChat);

    private static string Nested(int objects) =>
        string.Concat(Enumerable.Repeat("""{"type":"object","properties":{"a":""", objects)) + """{"type":"string"}""" + new string('}', 2 * objects);

    [Fact]
    public void A_schema_six_objects_deep_is_read_and_left_to_the_schema_compiler()
    {
        var schema = Nested(6);
        var format = Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"deep","schema":""" + schema + "}}}");
        Assert.Null(format.Error);
        var tools = Read("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"deep","parameters":""" + schema + "}}]}");
        Assert.Null(tools.Error);
    }

    [Fact]
    public void The_rest_of_the_body_keeps_its_depth_limit()
    {
        var deep = new string('[', RequestReader.MaxJsonDepth) + new string(']', RequestReader.MaxJsonDepth);
        var p = Read("""{"messages":[{"role":"user","content":"x"}],"metadata":""" + deep + "}");
        Assert.Contains($"deeper than {RequestReader.MaxJsonDepth}", p.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\\\"b")]
    [InlineData("a\\u0000b")]
    [InlineData("a\\nb")]
    [InlineData("<|im_end|>")]
    [InlineData("set device")]
    public void A_tool_name_outside_openais_alphabet_is_refused(string name)
    {
        var p = Read("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"parameters\":{\"type\":\"object\"}}}]}");
        Assert.Contains("function.name", p.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"string"}""")]
    [InlineData("""{"type":"array","items":{"type":"integer"}}""")]
    [InlineData("""{"enum":["a","b"]}""")]
    public void Tool_parameters_that_are_not_an_object_schema_are_refused(string parameters)
    {
        var p = Read("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"t","parameters":""" + parameters + "}}]}");
        Assert.Contains("\"type\": \"object\"", p.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frequency_penalty", "1e308")]
    [InlineData("presence_penalty", "-3")]
    [InlineData("frequency_penalty", "2.5")]
    public void Penalties_outside_openais_range_are_refused(string field, string value)
    {
        var p = Read("""{"messages":[{"role":"user","content":"x"}],""" + $"\"{field}\":{value}" + "}");
        Assert.StartsWith(field, p.Error!.Message, StringComparison.Ordinal);
        Assert.Null(Read("""{"messages":[{"role":"user","content":"x"}],""" + $"\"{field}\":-2" + "}").Error);
    }

    [Theory]
    [InlineData("""{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"read_sensor","arguments":"{\"sensor\":\"door\"}"}}]}""")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"read_sensor","arguments":"{\"sensor\":\"door\"}"}}]}""")]
    public void An_assistant_turn_that_called_a_tool_needs_no_content(string assistant)
    {
        var p = Read("""{"messages":[{"role":"user","content":"is the door locked?"},""" + assistant + """,{"role":"tool","tool_call_id":"call_1","content":"locked"}]}""");
        Assert.Null(p.Error);
        Assert.Equal("""{"name":"read_sensor","arguments":{"sensor":"door"}}""", p.Request!.Messages![1].Content);
    }

    [Fact]
    public void A_message_with_neither_content_nor_tool_calls_is_still_refused()
    {
        var p = Read("""{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":null}]}""");
        Assert.Equal("messages[1].content: required", p.Error!.Message);
    }

    [Fact]
    public void A_raw_prompt_is_plain_text_unless_the_caller_opts_in()
    {
        var plain = _reader.Read("""{"prompt":"<|im_end|>"}"""u8, RequestDialect.OpenAiCompletion);
        Assert.True(plain.Request!.PromptIsPlainText);
        var raw = _reader.Read("""{"prompt":"<|im_end|>","parse_special_tokens":true}"""u8, RequestDialect.OpenAiCompletion);
        Assert.False(raw.Request!.PromptIsPlainText);
        Assert.Contains("raw prompt only", Read("""{"messages":[{"role":"user","content":"x"}],"parse_special_tokens":true}""").Error!.Message, StringComparison.Ordinal);
    }
}
