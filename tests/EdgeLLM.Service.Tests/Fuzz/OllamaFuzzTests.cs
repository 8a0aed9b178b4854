using System.Net;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Fuzz;

/// <summary>
/// Issue 18's REST property on Ollama's routes: every hostile body to <c>/api/chat</c> and <c>/api/generate</c> gets one
/// answer, an Ollama object (or NDJSON stream ending in <c>done: true</c> or an <c>{"error"}</c> line) or a 4xx
/// <c>{"error":"…"}</c>, never a 5xx, an empty body or a dropped connection; and the service keeps serving.
/// </summary>
public sealed class OllamaFuzzTests
{
    private const int BodyLimit = 2048;

    [Fact]
    public async Task Every_ollama_request_gets_one_answer_or_one_json_error_and_the_service_keeps_serving()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Http:MaxRequestBytes"] = BodyLimit.ToString() });
        var random = new Random(FuzzSettings.Seed);
        var payloads = new HostilePayloads(random, BodyLimit, ollama: true);
        var cases = 1000 * FuzzSettings.Scale;
        var statuses = await HttpFuzzRun.StatusesAsync(random, cases, chat => (payloads.Ollama(chat), payloads.LastKind),
            (chat, body, chunked, reproduce) => SendAsync(service.Http, chat, body, chunked, reproduce));
        Assert.True(statuses.GetValueOrDefault(200) > cases / 20, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(400) > cases / 4, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(413) > 0, string.Join(", ", statuses));
        using var after = await service.Http.PostAsync("/api/generate", new StringContent("{\"model\":\"iot-assist\",\"prompt\":\"hello\",\"stream\":false,\"options\":{\"num_predict\":2}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static async Task<int> SendAsync(HttpClient http, bool chat, byte[] body, bool chunked, string reproduce)
    {
        var (status, mediaType, text, where) = await HttpFuzzRun.PostAsync(http, chat ? "/api/chat" : "/api/generate", body, chunked, reproduce);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        if (status != 200)
        {
            Assert.Equal("application/json", mediaType);
            using var error = JsonDocument.Parse(text);
            Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("error").GetString()), where);
            return status;
        }
        // One object, or NDJSON whose every line is an answer and whose last says done (or is the error).
        foreach (var line in lines[..^1])
        {
            using var part = JsonDocument.Parse(line);
            Assert.False(part.RootElement.GetProperty("done").GetBoolean(), where);
        }
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.True(last.RootElement.TryGetProperty("error", out _) || last.RootElement.GetProperty("done").GetBoolean(), where);
        return status;
    }
}
