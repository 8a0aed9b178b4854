using System.Net;
using System.Text;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;
using EdgeLLM.Service.Tests.Rest;

namespace EdgeLLM.Service.Tests.Ollama;

/// <summary>Ollama's API over a real socket: refusals as <c>{"error"}</c> 4xx (never 5xx or a dropped connection),
/// routes, the banner, the stream's framing, and the API keys off loopback.</summary>
public sealed class OllamaApiTests : IAsyncLifetime
{
    private const string Key = "test-key-0123456789abcdef";
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await RunningService.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private HttpClient Http => _service.Http;

    public static TheoryData<string, string, int, string> Malformed => new()
    {
        { "/api/chat", "not json", 400, "not JSON" },
        { "/api/chat", "[1,2]", 400, "object" },
        { "/api/chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "model" },
        { "/api/chat", "{\"model\":5}", 400, "model" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":\"hi\"}", 400, "messages" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", 400, "messages[0].role" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"options\":\"fast\"}", 400, "options" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"options\":{\"num_predict\":0}}", 400, "options.num_predict" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"keep_alive\":\"soon\"}", 400, "keep_alive" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"format\":\"xml\"}", 400, "format" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"format\":{\"type\":\"string\",\"format\":\"date\"}}", 400, "format" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":\"x\"}", 400, "tools" },
        { "/api/chat", "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"images\":[\"aGk=\"]}]}", 400, "images" },
        { "/api/chat", "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404, "llama3.2" },
        { "/api/generate", "{\"model\":\"iot-assist\",\"prompt\":\"hi\",\"images\":[\"aGk=\"]}", 400, "images" },
        { "/api/generate", "{\"model\":\"iot-assist\",\"prompt\":\"hi\",\"context\":[1,2]}", 400, "context" },
        { "/api/generate", "{\"model\":\"iot-assist\",\"prompt\":\"hi\",\"options\":{\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}}", 400, "options.stop" },
        { "/api/show", "{}", 400, "model" },
        { "/api/show", "{\"model\":\"llama3.2\"}", 404, "llama3.2" },
        { "/api/pull", "{\"model\":\"llama3.2\"}", 404, "OTA" },
        { "/api/pull", "nope", 400, "JSON" },
        { "/api/embed", "{\"model\":\"iot-assist\",\"input\":\"hi\"}", 404, "/api/embed" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_request_gets_an_ollama_error_with_a_4xx(string path, string body, int status, string says)
    {
        using var response = await Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertErrorAsync(response, status, says);
    }

    [Fact]
    public async Task A_route_with_the_wrong_method_is_405_naming_the_right_one()
    {
        using var response = await Http.GetAsync("/api/chat");
        await AssertErrorAsync(response, 405, "POST");
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task The_root_answers_as_ollama_does_to_get_and_head()
    {
        Assert.Equal("Ollama is running", await Http.GetStringAsync("/"));
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task A_stream_is_ndjson_and_an_error_known_before_the_first_line_keeps_its_status()
    {
        using (var response = await Http.PostAsync("/api/chat", RestApiTests.Json(new { model = "iot-assist", messages = new[] { new { role = "user", content = "turn off the fan" } } })))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length > 1);
            using var last = JsonDocument.Parse(lines[^1]);
            OllamaShapes.Final(last.RootElement);
        }
        var prompt = string.Concat(Enumerable.Repeat("turn on the lights in the kitchen ", 400));
        using var overflow = await Http.PostAsync("/api/generate", RestApiTests.Json(new { model = "iot-assist", prompt }));
        await AssertErrorAsync(overflow, 400, "context");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_with_an_ollama_error()
    {
        var prompt = new string('a', 2 << 20);
        using var response = await Http.PostAsync("/api/generate", RestApiTests.Json(new { model = "iot-assist", prompt }));
        await AssertErrorAsync(response, 413, "exceeds");
    }

    [Fact]
    public async Task Off_loopback_the_api_needs_the_same_keys_and_refuses_in_ollamas_shape()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Http:ApiKeys:0"] = Key }, url: "http://0.0.0.0:0");
        await AssertErrorAsync(await service.Http.GetAsync("/api/tags"), 401, "Authorization");
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/ps"))
        {
            wrong.Headers.Authorization = RunningService.Bearer("not-the-key-0000000000");
            await AssertErrorAsync(await service.Http.SendAsync(wrong), 401, "not valid");
        }
        using (var right = new HttpRequestMessage(HttpMethod.Get, "/api/tags"))
        {
            right.Headers.Authorization = RunningService.Bearer(Key);
            Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(right)).StatusCode);
        }
        // The banner stays open, as /healthz does: it says a server is there, nothing more.
        Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync("/")).StatusCode);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, int status, string says)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(["error"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains(says, doc.RootElement.GetProperty("error").GetString());
    }
}
