using System.Text;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>
/// Issue 27: OpenAI's error object names the field at fault in <c>param</c>. Refusals of the request reader, of the
/// runtime (sampling, context, constraints) and of the endpoint each name theirs; errors of no single field say null.
/// </summary>
public sealed class RestErrorParamTests : IAsyncLifetime
{
    private const string Hi = """[{"role":"user","content":"hi"}]""";
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await RunningService.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Theory]
    [InlineData("/v1/chat/completions", """{"prompt":"x"}""", "messages")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"},{"role":"user"}]}""", "messages[1].content")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"temperature":"hot"}""", "temperature")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"temperature":3}""", "temperature")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"max_completion_tokens":0}""", "max_completion_tokens")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"n":2}""", "n")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"logprobs":true}""", "logprobs")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"stop":["a",""]}""", "stop[1]")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"response_format":"json"}""", "response_format")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"response_format":{"type":"yaml"}}""", "response_format.type")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"tools":[{"type":"function","function":{"name":"bad name"}}]}""", "tools[0].function.name")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"tools":[{"type":"function","function":{"name":"a","parameters":{"type":"string"}}}]}""", "tools[0].function.parameters")]
    [InlineData("/v1/chat/completions", """{"messages":HI,"stream":true,"stream_options":{"include_usage":1}}""", "stream_options")]
    [InlineData("/v1/completions", """{"prompt":""}""", "prompt")]
    [InlineData("/v1/completions", """{"prompt":"x","frequency_penalty":1e308}""", "frequency_penalty")]
    [InlineData("/v1/completions", """{"prompt":"x","deadline_ms":0}""", "deadline_ms")]
    public async Task A_field_the_reader_refuses_is_named_in_param(string path, string body, string param) =>
        Assert.Equal(param, await ParamAsync(path, body.Replace("HI", Hi, StringComparison.Ordinal), 400, "bad_request"));

    /// <summary>Checked by the runtime, not the reader: the field still reaches the client.</summary>
    [Theory]
    [InlineData("""{"messages":HI,"top_k":-1}""", "top_k")]
    [InlineData("""{"messages":HI,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"string","minLength":5,"maxLength":2}}}}""", "response_format")]
    [InlineData("""{"messages":HI,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"string","format":"email"}}}}""", "response_format")]
    [InlineData("""{"messages":HI,"tools":[{"type":"function","function":{"name":"a","parameters":{"type":"object","properties":{"s":{"type":"string","format":"email"}},"required":["s"]}}}]}""", "tools")]
    public async Task A_field_the_runtime_refuses_is_named_in_param(string body, string param) =>
        Assert.Equal(param, await ParamAsync("/v1/chat/completions", body.Replace("HI", Hi, StringComparison.Ordinal), 400, "bad_request"));

    [Theory]
    [InlineData("/v1/chat/completions", "messages")]
    [InlineData("/v1/completions", "prompt")]
    public async Task A_prompt_over_the_context_names_the_field_it_came_in(string path, string param)
    {
        var text = string.Concat(Enumerable.Repeat("turn on the lights in the kitchen ", 400));
        var body = path == "/v1/completions"
            ? JsonSerializer.Serialize(new { prompt = text })
            : JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = text } } });
        Assert.Equal(param, await ParamAsync(path, body, 400, "context_overflow"));
    }

    [Fact]
    public async Task An_unknown_model_names_model() =>
        Assert.Equal("model", await ParamAsync("/v1/chat/completions", """{"model":"gpt-4o","messages":HI}""".Replace("HI", Hi, StringComparison.Ordinal), 404, "model_not_found"));

    /// <summary>No single field is at fault: param is there, and null, as OpenAI writes it.</summary>
    [Theory]
    [InlineData("/v1/chat/completions", "{not json", 400, "bad_request")]
    [InlineData("/v1/chat/completions", "[1]", 400, "bad_request")]
    [InlineData("/v1/embeddings", "{}", 404, "not_found")]
    public async Task An_error_of_no_single_field_has_param_null(string path, string body, int status, string code) =>
        Assert.Null(await ParamAsync(path, body, status, code));

    [Fact]
    public async Task A_wrong_method_and_an_oversized_body_have_param_null()
    {
        using (var wrong = await _service.Http.GetAsync("/v1/chat/completions"))
        {
            Assert.Equal(JsonValueKind.Null, (await RestApiTests.AssertErrorAsync(wrong, 405, "method_not_allowed")).GetProperty("param").ValueKind);
        }
        // The head alone announces the oversized body: the server answers without reading it. (Sending 2 MiB through
        // HttpClient races that answer: the server closes while the client still writes, and the write fails.)
        var large = await RawHttpExchange.RunAsync(_service.Address,
            "POST /v1/completions HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nContent-Length: 4194304\r\nConnection: close\r\n\r\n",
            TimeSpan.FromSeconds(30));
        Assert.Equal(413, large.Status);
        using var doc = JsonDocument.Parse(large.Body);
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("payload_too_large", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    private async Task<string?> ParamAsync(string path, string body, int status, string code)
    {
        using var response = await _service.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var error = await RestApiTests.AssertErrorAsync(response, status, code);
        var param = error.GetProperty("param");
        return param.ValueKind == JsonValueKind.Null ? null : param.GetString();
    }
}
