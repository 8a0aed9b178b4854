using System.Net;
using System.Text;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>Issue 18's hostile REST requests over a real socket: each gets a JSON error with a code, none a 500 or an empty body.</summary>
public sealed class RestHostileInputTests : IAsyncLifetime
{
    private const int Limit = 4096;
    private RunningService _service = null!;

    public async Task InitializeAsync() =>
        _service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Http:MaxRequestBytes"] = Limit.ToString() });

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private HttpClient Http => _service.Http;

    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").GetProperty("code").GetString()!;
    }

    private static HttpContent Body(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    /// <summary>A body sent with Transfer-Encoding: chunked (no Content-Length), a few bytes per chunk.</summary>
    private static HttpContent Chunked(byte[] body)
    {
        var content = new StreamContent(new MemoryStream(body), bufferSize: 512);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    private static string WithSchema(string schema) =>
        """{"messages":[{"role":"user","content":"x"}],"max_tokens":16,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":""" + schema + "}}}";

    /// <summary>
    /// Issue 27: a 150-byte schema asking for an answer 10^9 long took the process from 146 MB to 2 GB. Its counts are
    /// checked as they are read, so the refusal costs nothing: resident memory stays where it was (a margin of
    /// 64 MB, far below the 1 GB a built answer would take).
    /// </summary>
    [Theory]
    [InlineData("""{"type":"string","minLength":1000000000}""", "minLength")]
    [InlineData("""{"type":"array","minItems":1000000000}""", "minItems")]
    [InlineData("""{"type":"array","minItems":100000,"items":{"type":"string","minLength":100000}}""", "shortest instance")]
    public async Task A_schema_asking_for_an_answer_no_context_holds_is_refused_before_it_costs_memory(string schema, string named)
    {
        using var warm = await Http.PostAsync("/v1/chat/completions", Body(WithSchema("""{"type":"string","minLength":5,"maxLength":2}""")));
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        GC.Collect();
        process.Refresh();
        var before = process.WorkingSet64;
        using var response = await Http.PostAsync("/v1/chat/completions", Body(WithSchema(schema)));
        process.Refresh();
        var after = process.WorkingSet64;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Contains(named, text, StringComparison.Ordinal);
        Assert.True(after - before < 64L << 20, $"resident memory went from {before >> 20} MB to {after >> 20} MB");
    }

    [Theory]
    [InlineData("""{"type":"string","minLength":5,"maxLength":2}""", "minLength is larger than maxLength")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","minLength":3,"maxLength":0}},"required":["a"]}""", "minLength is larger than maxLength")]
    public async Task A_string_schema_no_string_satisfies_is_a_400_not_an_invalid_answer(string schema, string reason)
    {
        using var response = await Http.PostAsync("/v1/chat/completions", Body(WithSchema(schema)));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Contains(reason, text, StringComparison.Ordinal);
    }

    /// <summary>An enum of 30,000 strings with a shared prefix took over 90 s to compile; it is refused by its count.</summary>
    [Fact]
    public async Task An_enum_of_thirty_thousand_values_is_refused_by_its_count()
    {
        var values = string.Join(',', Enumerable.Range(0, 30_000).Select(i => $"\"shared-prefix-{i}\""));
        await using var service = await RunningService.StartAsync();
        using var response = await service.Http.PostAsync("/v1/chat/completions", Body(WithSchema($$"""{"enum":[{{values}}]}""")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Contains("enum values", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_escaped_lone_surrogate_is_a_400_bad_request_not_a_500()
    {
        using var response = await Http.PostAsync("/v1/chat/completions", Body("""{"messages":[{"role":"user","content":"a \ud800 b"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_request", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_a_json_413()
    {
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { prompt = new string('x', 3 * Limit), max_tokens = 1 }));
        using var response = await Http.PostAsync("/v1/completions", Chunked(body));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task A_chunked_body_at_the_limit_is_read_like_the_same_body_with_a_content_length()
    {
        var json = JsonSerializer.Serialize(new { prompt = "hello", max_tokens = 1, pad = "" });
        json = json.Replace("\"pad\":\"\"", "\"pad\":\"" + new string(' ', Limit - json.Length) + "\"", StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(json);
        Assert.Equal(Limit, body.Length);
        using var chunked = await Http.PostAsync("/v1/completions", Chunked(body));
        using var sized = await Http.PostAsync("/v1/completions", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        Assert.Equal(HttpStatusCode.OK, sized.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chunked.StatusCode);
    }

    [Fact]
    public async Task A_utf8_byte_order_mark_before_the_json_is_accepted()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("""{"prompt":"hello","max_tokens":1}""")).ToArray();
        using var response = await Http.PostAsync("/v1/completions", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/v1/chat/completions", "POST")]
    [InlineData("PUT", "/v1/completions", "POST")]
    [InlineData("POST", "/v1/models", "GET")]
    public async Task The_wrong_method_on_a_route_is_a_json_405_naming_the_right_one(string method, string path, string allowed)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allowed, Assert.Single(response.Content.Headers.Allow));
        Assert.Equal("method_not_allowed", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task A_temperature_above_2_is_a_400()
    {
        using var response = await Http.PostAsync("/v1/completions", Body("""{"prompt":"hello","temperature":100}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_request", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Rejected_requests_are_counted_in_the_request_metrics()
    {
        using (await Http.PostAsync("/v1/completions", Body("not json")))
        using (await Http.PostAsync("/v1/completions", Chunked(new byte[2 * Limit])))
        {
        }
        var metrics = await Http.GetStringAsync("/metrics");
        Assert.Contains("edgellm_requests_total{transport=\"http\",outcome=\"bad_request\"} 1", metrics);
        Assert.Contains("edgellm_requests_total{transport=\"http\",outcome=\"payload_too_large\"} 1", metrics);
    }

    /// <summary>Issue 27: an unknown model was answered <c>model_not_found</c> but counted as <c>model_unavailable</c>.</summary>
    [Fact]
    public async Task An_unknown_model_is_counted_under_the_code_it_is_answered_with()
    {
        using var response = await Http.PostAsync("/v1/chat/completions", Body("""{"model":"no-such-model","messages":[{"role":"user","content":"x"}]}"""));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", await ErrorCodeAsync(response));
        var metrics = await Http.GetStringAsync("/metrics");
        Assert.Contains("edgellm_requests_total{transport=\"http\",outcome=\"model_not_found\"} 1", metrics);
        Assert.DoesNotContain("outcome=\"model_unavailable\"", metrics);
    }
}
