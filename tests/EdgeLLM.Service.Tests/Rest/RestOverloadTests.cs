using System.Net;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>Requests beyond the batch and the bounded queue are answered 429 overloaded, the rest complete.</summary>
public sealed class RestOverloadTests
{
    [Fact]
    public async Task Beyond_the_queue_requests_get_429_and_every_other_one_completes()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string>
        {
            ["EdgeLLM:Engine:MaxBatchSize"] = "1",
            ["EdgeLLM:Engine:MaxQueuedRequests"] = "1",
        });
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            service.Http.PostAsync("/v1/completions", RestApiTests.Json(new { prompt = "set the heating", max_tokens = 300, temperature = 1.0, seed = 7 }))));
        var codes = responses.Select(r => r.StatusCode).ToList();
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        Assert.Contains(HttpStatusCode.OK, codes);
        Assert.All(codes, c => Assert.True(c is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, c.ToString()));
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests))
        {
            await RestApiTests.AssertErrorAsync(r, 429, "overloaded");
            Assert.True(r.Headers.Contains("Retry-After"));
        }
    }
}
