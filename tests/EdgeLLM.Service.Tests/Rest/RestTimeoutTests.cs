using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;
using Xunit.Abstractions;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>
/// Issue 27: what a client too slow to send gets, measured on a raw socket. A body slower than Kestrel's
/// <c>MinRequestBodyDataRate</c> (240 B/s after a 5 s grace) is refused while the endpoint reads it, so it gets the
/// API's JSON error. Headers that never finish are refused by Kestrel before a request exists, with an empty 408.
/// </summary>
public sealed class RestTimeoutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int HeadersTimeoutSeconds = 2;
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await RunningService.StartAsync(new Dictionary<string, string>
    {
        ["EdgeLLM:Http:RequestHeadersTimeoutSeconds"] = HeadersTimeoutSeconds.ToString(),
    });

    public async Task DisposeAsync() => await _service.DisposeAsync();

    /// <summary>Headers for a body of 1000 bytes, and the first 12 of them; the rest never comes.</summary>
    private static string StalledBody(string path) =>
        $"POST {path} HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"messages\":";

    [Fact]
    public async Task A_body_that_stalls_gets_a_json_408_request_timeout_in_openai_shape()
    {
        var reply = await RawHttpExchange.RunAsync(_service.Address, StalledBody("/v1/chat/completions"), TimeSpan.FromSeconds(30));
        output.WriteLine($"408 after {reply.Elapsed.TotalMilliseconds:F0} ms: {reply.Body}");
        Assert.Equal(408, reply.Status);
        Assert.StartsWith("application/json", reply.Headers["Content-Type"]);
        using var doc = JsonDocument.Parse(reply.Body);
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("request_timeout", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Contains("MinRequestBodyDataRate", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_body_that_stalls_on_the_ollama_api_gets_a_408_in_ollama_shape()
    {
        var reply = await RawHttpExchange.RunAsync(_service.Address, StalledBody("/api/chat"), TimeSpan.FromSeconds(30));
        Assert.Equal(408, reply.Status);
        using var doc = JsonDocument.Parse(reply.Body);
        Assert.Contains("too slowly", doc.RootElement.GetProperty("error").GetString());
    }

    /// <summary>
    /// The limit this pins (docs/LIMITS.md, "Timeouts"): Kestrel's HTTP/1.1 connection loop times out headers that do
    /// not finish itself and writes <c>408</c>, <c>Content-Length: 0</c>, <c>Connection: close</c>. No HttpContext
    /// exists yet, so no middleware or endpoint runs and no body can be written. What the service controls is how
    /// long such a client holds the connection: <c>Http:RequestHeadersTimeoutSeconds</c>, here 2 s instead of 30.
    /// </summary>
    [Fact]
    public async Task Headers_that_never_finish_get_kestrels_empty_408_after_the_configured_timeout()
    {
        var reply = await RawHttpExchange.RunAsync(_service.Address, "POST /v1/chat/completions HTTP/1.1\r\nHost: edge\r\nContent-Ty", TimeSpan.FromSeconds(30));
        Assert.Equal(408, reply.Status);
        Assert.Equal("0", reply.Headers["Content-Length"]);
        Assert.Equal("close", reply.Headers["Connection"]);
        Assert.Equal("", reply.Body);
        output.WriteLine($"empty 408 after {reply.Elapsed.TotalMilliseconds:F0} ms");
        Assert.InRange(reply.Elapsed.TotalSeconds, HeadersTimeoutSeconds - 0.5, HeadersTimeoutSeconds + 8);
    }
}
