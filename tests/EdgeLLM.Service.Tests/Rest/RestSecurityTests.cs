using System.Net;
using System.Text;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Tests.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>Bearer keys off loopback, and the refusal to start off loopback without one.</summary>
public sealed class RestSecurityTests
{
    private const string Key = "test-key-0123456789abcdef";

    [Fact]
    public async Task Off_loopback_every_v1_call_needs_the_key()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Http:ApiKeys:0"] = Key }, url: "http://0.0.0.0:0");
        var http = service.Http;
        await RestApiTests.AssertErrorAsync(await http.GetAsync("/v1/models"), 401, "invalid_api_key");
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/models"))
        {
            wrong.Headers.Authorization = RunningService.Bearer("not-the-key-0000000000");
            await RestApiTests.AssertErrorAsync(await http.SendAsync(wrong), 401, "invalid_api_key");
        }
        using (var right = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = RestApiTests.Json(new { prompt = "hi", max_tokens = 2 }) })
        {
            right.Headers.Authorization = RunningService.Bearer(Key);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(right)).StatusCode);
        }
        // Health and metrics stay open for probes and scrapers.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Off_loopback_without_keys_the_service_refuses_to_start()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningService.StartAsync(url: "http://0.0.0.0:0"));
        Assert.Contains("ApiKeys", e.Message);
    }

    [Fact]
    public async Task Admin_ota_with_the_key_reaches_the_updater_and_reports_a_rejection()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Http:ApiKeys:0"] = Key });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/ota")
        {
            Content = new StringContent("{\"model\":\"iot-assist\",\"version\":\"2099.1.1\",\"url\":\"http://127.0.0.1:9/x.tar.gz\",\"sha256\":\"00\",\"size\":1,\"signature\":\"AAAA\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = RunningService.Bearer(Key);
        using var response = await service.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"phase\":\"rejected\"", body);
        Assert.Contains("edgellm_ota_phase{model=\"iot-assist\",version=\"2099.1.1\",phase=\"rejected\"} 1", await service.Http.GetStringAsync("/metrics"));
    }
}
