using System.Net;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Fuzz;

/// <summary>
/// The REST property of issue 18 over a real socket: every request gets exactly one response, a completion or an
/// OpenAI error body with a code (never a 5xx or an empty body), sent with or without a Content-Length; and the
/// service still serves afterwards.
/// </summary>
public sealed class RestFuzzTests
{
    private const int BodyLimit = 2048;

    [Fact]
    public async Task Every_request_gets_one_completion_or_one_json_error_with_a_code_and_the_service_keeps_serving()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Http:MaxRequestBytes"] = BodyLimit.ToString() });
        var random = new Random(FuzzSettings.Seed);
        var payloads = new HostilePayloads(random, BodyLimit);
        var cases = 2000 * FuzzSettings.Scale;
        var statuses = await HttpFuzzRun.StatusesAsync(random, cases, chat => (payloads.Rest(chat), payloads.LastKind),
            (chat, body, chunked, reproduce) => SendAsync(service.Http, chat, body, chunked, reproduce));
        Assert.True(statuses.GetValueOrDefault(200) > cases / 20, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(400) > cases / 4, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(413) > 0, string.Join(", ", statuses));
        Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync("/readyz")).StatusCode);
        using var after = await service.Http.PostAsync("/v1/completions", new StringContent("{\"prompt\":\"hello\",\"max_tokens\":2}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static async Task<int> SendAsync(HttpClient http, bool chat, byte[] body, bool chunked, string reproduce)
    {
        var (status, mediaType, text, where) = await HttpFuzzRun.PostAsync(http, chat ? "/v1/chat/completions" : "/v1/completions", body, chunked, reproduce);
        if (mediaType == "text/event-stream")
        {
            // A stream ends in [DONE] after a chunk with a finish reason or an error event.
            Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
            Assert.True(text.Contains("\"finish_reason\":\"", StringComparison.Ordinal) || text.Contains("\"error\"", StringComparison.Ordinal), where);
            return status;
        }
        using var json = JsonDocument.Parse(text);
        if (status == 200)
        {
            Assert.True(json.RootElement.TryGetProperty("choices", out _), where);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetProperty("code").GetString()), where);
        }
        return status;
    }
}
