using System.Text;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Ollama;

namespace EdgeLLM.Service.Tests.Ollama;

/// <summary>Ollama's request bodies read into the runtime's request: options, format, tools, keep_alive, refusals.</summary>
public sealed class OllamaRequestReaderTests
{
    private const string Tool = """{"type":"function","function":{"name":"set_device","parameters":{"type":"object","properties":{"device":{"enum":["light","fan"]}},"required":["device"]}}}""";
    private readonly OllamaRequestReader _reader = new(65536);

    private OllamaRequest Chat(string json) => _reader.Read(Encoding.UTF8.GetBytes(json), OllamaEndpointKind.Chat);

    private OllamaRequest Generate(string json) => _reader.Read(Encoding.UTF8.GetBytes(json), OllamaEndpointKind.Generate);

    [Fact]
    public void Options_become_the_sampling_fields_and_unknown_options_are_ignored()
    {
        var p = Chat("""
            {"model":"iot-assist","messages":[{"role":"user","content":"hi"}],
             "options":{"num_predict":12,"temperature":0.5,"top_p":0.9,"top_k":5,"seed":7,"stop":["\n"],"repeat_penalty":1.2,
                        "min_p":0.05,"num_ctx":8192,"mirostat":1,"num_gpu":99}}
            """);
        Assert.Null(p.Error);
        var r = p.Request!;
        Assert.Equal(12, r.MaxTokens);
        Assert.Equal(0.5f, r.Temperature);
        Assert.Equal(0.9f, r.TopP);
        Assert.Equal(5, r.TopK);
        Assert.Equal(7UL, r.Seed);
        Assert.Equal(["\n"], r.Stop);
        Assert.Equal(1.2f, r.RepetitionPenalty);
        Assert.Equal(0.05f, r.MinP);
        Assert.Equal("iot-assist", p.Model);
        Assert.True(p.Stream);
        Assert.Null(r.Constraint);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-2)]
    public void Num_predict_minus_one_or_two_means_up_to_the_context(int numPredict)
    {
        var p = Chat($$$"""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":false,"options":{"num_predict":{{{numPredict}}}}}""");
        Assert.Null(p.Error);
        Assert.Null(p.Request!.MaxTokens);
        Assert.False(p.Stream);
    }

    [Theory]
    [InlineData("""{"temperature":3}""", "options.temperature")]
    [InlineData("""{"temperature":"hot"}""", "options.temperature")]
    [InlineData("""{"top_p":0}""", "options.top_p")]
    [InlineData("""{"num_predict":0}""", "options.num_predict")]
    [InlineData("""{"num_ctx":-5}""", "options.num_ctx")]
    [InlineData("""{"stop":[""]}""", "options.stop[0]")]
    [InlineData("\"fast\"", "options")]
    public void A_bad_option_is_a_bad_request_naming_it_under_options(string options, string field)
    {
        var p = Chat($$"""{"model":"m","messages":[{"role":"user","content":"hi"}],"options":{{options}}}""");
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error!.Code);
        Assert.StartsWith(field + ":", p.Error.Message);
    }

    [Theory]
    [InlineData("-1", null)]
    [InlineData("\"-1\"", null)]
    [InlineData("0", 0.0)]
    [InlineData("300", 300.0)]
    [InlineData("\"5m\"", 300.0)]
    [InlineData("\"1h30m\"", 5400.0)]
    [InlineData("\"1.5s\"", 1.5)]
    [InlineData("\"300ms\"", 0.3)]
    [InlineData("\"3600s\"", 3600.0)]
    public void Keep_alive_reads_seconds_and_go_durations_and_negative_keeps_the_model_for_good(string value, double? seconds)
    {
        var p = Chat($$"""{"model":"m","messages":[{"role":"user","content":"hi"}],"keep_alive":{{value}}}""");
        Assert.Null(p.Error);
        Assert.Equal(seconds, p.KeepAlive!.Value.Duration?.TotalSeconds);
    }

    [Theory]
    [InlineData("\"soon\"")]
    [InlineData("\"5 minutes\"")]
    [InlineData("\"m\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    public void A_keep_alive_that_is_not_a_duration_is_a_bad_request(string value)
    {
        var p = Chat($$"""{"model":"m","messages":[{"role":"user","content":"hi"}],"keep_alive":{{value}}}""");
        Assert.StartsWith("keep_alive:", p.Error!.Message);
    }

    [Fact]
    public void Format_json_is_any_object_and_a_schema_is_that_schema()
    {
        var json = Chat("""{"model":"m","messages":[{"role":"user","content":"hi"}],"format":"json"}""");
        Assert.Equal(OutputConstraint.JsonObject, json.Request!.Constraint);
        var schema = Chat("""{"model":"m","messages":[{"role":"user","content":"hi"}],"format":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}""");
        Assert.Equal(ConstraintKind.JsonSchema, schema.Request!.Constraint!.Kind);
        Assert.Contains("\"required\":[\"a\"]", schema.Request.Constraint.Schema);
        Assert.Null(Chat("""{"model":"m","messages":[{"role":"user","content":"hi"}],"format":""}""").Request!.Constraint);
        Assert.StartsWith("format:", Chat("""{"model":"m","messages":[{"role":"user","content":"hi"}],"format":"xml"}""").Error!.Message);
        Assert.StartsWith("format:", Chat("""{"model":"m","messages":[{"role":"user","content":"hi"}],"format":[1]}""").Error!.Message);
    }

    [Fact]
    public void Tools_are_a_required_call_while_the_conversation_ends_with_the_user()
    {
        var p = Chat($$"""{"model":"m","messages":[{"role":"user","content":"light on"}],"tools":[{{Tool}}],"format":"json"}""");
        Assert.Null(p.Error);
        Assert.Equal("set_device", Assert.Single(p.Tools!.Tools).Name);
        Assert.Contains("\"const\":\"set_device\"", p.Request!.Constraint!.Schema);
    }

    [Fact]
    public void After_tool_results_the_answer_is_text_or_the_format_and_the_earlier_call_is_in_the_prompt_as_the_model_wrote_it()
    {
        var p = Chat($$$$"""
            {"model":"m","tools":[{{{{Tool}}}}],"messages":[
              {"role":"user","content":"light on"},
              {"role":"assistant","tool_calls":[{"function":{"name":"set_device","arguments":{"device":"light"}}}]},
              {"role":"tool","content":"{\"data\":{\"success\":true},\"error\":null}","tool_name":"set_device"}]}
            """);
        Assert.Null(p.Error);
        Assert.Null(p.Tools);
        Assert.Null(p.Request!.Constraint);
        Assert.Equal(new PromptMessage("assistant", """{"name":"set_device","arguments":{"device":"light"}}"""), p.Request.Messages![1]);
        Assert.Equal("tool", p.Request.Messages[2].Role);
        var withFormat = Chat($$"""
            {"model":"m","tools":[{{Tool}}],"format":"json","messages":[{"role":"user","content":"light on"},{"role":"tool","content":"ok"}]}
            """);
        Assert.Equal(OutputConstraint.JsonObject, withFormat.Request!.Constraint);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi","images":["aGk="]}]}""", "messages[0].images:")]
    [InlineData("""{"model":"m","messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role:")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":5}]}""", "messages[0].content:")]
    [InlineData("""{"model":"m","messages":"hi"}""", "messages:")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"{}"}}]}]}""", "messages[0].tool_calls[0].function.arguments:")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"function":{}}]}""", "tools[0].function.name:")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model:")]
    [InlineData("""{"model":"","messages":[{"role":"user","content":"hi"}]}""", "model:")]
    [InlineData("""{"model":"\ud800","messages":[]}""", "model:")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream:")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"priority":"urgent"}""", "priority:")]
    public void A_malformed_chat_is_a_bad_request_naming_the_field(string json, string field)
    {
        var p = Chat(json);
        Assert.Equal(GenerationErrorCode.BadRequest, p.Error!.Code);
        Assert.StartsWith(field, p.Error.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public void A_body_that_is_not_a_json_object_is_a_bad_request(string body) =>
        Assert.Equal(GenerationErrorCode.BadRequest, Chat(body).Error!.Code);

    [Fact]
    public void No_messages_or_an_empty_prompt_only_loads_the_model()
    {
        Assert.True(Chat("""{"model":"m"}""").LoadOnly);
        Assert.True(Chat("""{"model":"m","messages":[],"keep_alive":0}""").LoadOnly);
        Assert.True(Generate("""{"model":"m","prompt":""}""").LoadOnly);
        Assert.False(Chat("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""").LoadOnly);
    }

    [Fact]
    public void Generate_applies_the_chat_template_to_system_and_prompt_unless_raw()
    {
        var templated = Generate("""{"model":"m","prompt":"hi","system":"be brief","format":"json"}""").Request!;
        Assert.Equal([new PromptMessage("system", "be brief"), new PromptMessage("user", "hi")], templated.Messages);
        Assert.Null(templated.Prompt);
        Assert.Equal(OutputConstraint.JsonObject, templated.Constraint);
        var raw = Generate("""{"model":"m","prompt":"<|im_start|>user\nhi","raw":true}""").Request!;
        Assert.Equal("<|im_start|>user\nhi", raw.Prompt);
        Assert.Null(raw.Messages);
    }

    [Theory]
    [InlineData("""{"model":"m","prompt":"hi","images":["aGk="]}""", "images:")]
    [InlineData("""{"model":"m","prompt":"hi","suffix":"end"}""", "suffix:")]
    [InlineData("""{"model":"m","prompt":"hi","context":[1,2,3]}""", "context:")]
    [InlineData("""{"model":"m","prompt":5}""", "prompt:")]
    public void Generate_refuses_what_it_cannot_honour_by_name(string json, string field) =>
        Assert.StartsWith(field, Generate(json).Error!.Message);

    [Fact]
    public void Empty_suffix_template_and_context_ask_for_nothing_and_are_accepted()
    {
        var p = Generate("""{"model":"m","prompt":"hi","suffix":"","template":"","context":[],"images":[],"think":true}""");
        Assert.Null(p.Error);
        Assert.Equal([new PromptMessage("user", "hi")], p.Request!.Messages);
    }

    [Fact]
    public void Edgellm_admission_fields_are_read_as_on_every_transport()
    {
        var r = Chat("""{"model":"m","messages":[{"role":"user","content":"hi"}],"priority":"high","energy_budget_j":2.5,"deadline_ms":1000}""").Request!;
        Assert.Equal(RequestPriority.High, r.Priority);
        Assert.Equal(2.5, r.EnergyBudgetJ);
        Assert.Equal(TimeSpan.FromSeconds(1), r.StartDeadline - r.ReceivedAt);
    }

    [Theory]
    [InlineData("""{"model":"iot-assist"}""", "iot-assist")]
    [InlineData("""{"name":"iot-assist:latest","stream":false}""", "iot-assist:latest")]
    public void A_model_name_body_takes_model_or_the_older_name(string json, string name)
    {
        var p = _reader.ReadModelName(Encoding.UTF8.GetBytes(json));
        Assert.Null(p.Error);
        Assert.Equal(name, p.Model);
    }

    [Theory]
    [InlineData("iot-assist", true, true)]
    [InlineData("iot-assist:latest", true, true)]
    [InlineData("iot-assist:2026.11.22", true, true)]
    [InlineData("iot-assist:2025.1.1", true, false)]
    [InlineData("iot-assist-pro", true, false)]
    [InlineData("IOT-ASSIST", true, false)]
    [InlineData("library/iot-assist", true, false)]
    [InlineData("iot-assist:2026.11.22", false, true)]
    [InlineData("iot-assist", false, false)]
    [InlineData("iot-assist:latest", false, false)]
    public void Model_names_resolve_with_and_without_latest_or_the_version(string name, bool latest, bool names)
    {
        var identity = new EdgeLLM.Runtime.Models.ModelIdentity("iot-assist", "2026.11.22", "int4");
        var model = new OllamaModel(OllamaModelName.Listed(identity, latest), new EdgeLLM.Service.Hosting.InstalledModel("/m", identity, "llama", 512, 3268, 1, null, default), Serving: latest);
        Assert.Equal(names, model.IsNamed(name));
    }
}
