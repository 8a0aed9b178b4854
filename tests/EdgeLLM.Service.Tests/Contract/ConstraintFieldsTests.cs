using System.Text;
using System.Text.Json;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Tests.Contract;

/// <summary>response_format, tools and tool_choice as RequestReader reads them.</summary>
public class ConstraintFieldsTests
{
    private const string Tools = """[{"type":"function","function":{"name":"set_device","parameters":{"type":"object","properties":{"on":{"type":"boolean"}},"required":["on"]}}},{"type":"function","function":{"name":"ping"}}]""";
    private readonly RequestReader _reader = new(65536);

    private ParsedRequest Read(string json) => _reader.Read(Encoding.UTF8.GetBytes(json), RequestDialect.OpenAiChat);

    [Fact]
    public void Json_schema_keeps_the_raw_schema_and_its_name()
    {
        var p = Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"action","strict":true,"schema":{"type":"object","properties":{"a":{"type":"integer"}}}}}}""");
        var c = p.Request!.Constraint!;
        Assert.Equal(ConstraintKind.JsonSchema, c.Kind);
        Assert.Equal("action", c.Name);
        Assert.Equal("integer", JsonDocument.Parse(c.Schema!).RootElement.GetProperty("properties").GetProperty("a").GetProperty("type").GetString());
        Assert.True(p.JsonResponse);
    }

    [Fact]
    public void Whitespace_is_compact_unless_flexible_is_asked_beside_the_schema_or_the_type()
    {
        const string schema = """{"type":"object"}""";
        var plain = Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"schema":""" + schema + """}}}""");
        Assert.Equal(JsonWhitespace.Compact, plain.Request!.Constraint!.Whitespace);
        var inSchema = Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"schema":""" + schema + ""","whitespace":"flexible"}}}""");
        Assert.Equal(JsonWhitespace.Flexible, inSchema.Request!.Constraint!.Whitespace);
        var besideType = Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object","whitespace":"flexible"}}""");
        Assert.Equal(JsonWhitespace.Flexible, besideType.Request!.Constraint!.Whitespace);
        Assert.NotEqual(plain.Request.Constraint.CacheKey, inSchema.Request.Constraint.CacheKey);
        var wrong = Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object","whitespace":"pretty"}}""");
        Assert.StartsWith("response_format.whitespace", wrong.Error!.Message);
    }

    [Fact]
    public void Json_object_and_text_read_as_any_object_and_no_constraint()
    {
        Assert.Equal(ConstraintKind.JsonObject, Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""").Request!.Constraint!.Kind);
        Assert.Null(Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"text"}}""").Request!.Constraint);
    }

    [Fact]
    public void A_regex_format_reads_as_a_pattern_constraint()
    {
        var c = Read("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"regex","pattern":"(on|off)"}}""").Request!.Constraint!;
        Assert.Equal(ConstraintKind.Regex, c.Kind);
        Assert.Equal("(on|off)", c.Pattern);
    }

    [Fact]
    public void Tools_become_a_schema_of_calls_with_each_tools_parameters()
    {
        var p = Read("""{"messages":[{"role":"user","content":"x"}],"tools":""" + Tools + ""","tool_choice":"auto"}""");
        Assert.Equal(["set_device", "ping"], p.Tools!.Tools.Select(t => t.Name));
        var schema = JsonDocument.Parse(p.Request!.Constraint!.Schema!).RootElement;
        Assert.Equal(2, schema.GetProperty("anyOf").GetArrayLength());
        Assert.Equal("set_device", schema.GetProperty("anyOf")[0].GetProperty("properties").GetProperty("name").GetProperty("const").GetString());
    }

    [Fact]
    public void A_named_tool_choice_allows_only_that_tool_and_none_turns_tools_off()
    {
        var named = Read("""{"messages":[{"role":"user","content":"x"}],"tools":""" + Tools + ""","tool_choice":{"type":"function","function":{"name":"ping"}}}""");
        var schema = JsonDocument.Parse(named.Request!.Constraint!.Schema!).RootElement;
        Assert.Equal("ping", schema.GetProperty("anyOf")[0].GetProperty("properties").GetProperty("name").GetProperty("const").GetString());
        Assert.Equal(1, schema.GetProperty("anyOf").GetArrayLength());
        var none = Read("""{"messages":[{"role":"user","content":"x"}],"tools":""" + Tools + ""","tool_choice":"none"}""");
        Assert.Null(none.Tools);
        Assert.Null(none.Request!.Constraint);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema"}}""", "response_format.json_schema")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{}}]}""", "tools[0].function.name")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}}""", "tool_choice")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"a"}}],"response_format":{"type":"json_object"}}""", "response_format")]
    public void Malformed_constraint_fields_are_bad_requests_naming_the_field(string json, string field)
    {
        var p = Read(json);
        Assert.NotNull(p.Error);
        Assert.StartsWith(field, p.Error!.Message);
    }
}
