using System.Net;
using System.Text;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>The service serving iot-assist-pro, which names iot-assist as its draft: drafting is on, answers are the
/// teacher's, and usage and /metrics report the drafts.</summary>
public class SpeculativeServingTests : IAsyncLifetime
{
    private static readonly string ProModel = Path.Combine(Path.GetDirectoryName(DefaultModelSmoke.Directory)!, "iot-assist-pro");

    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Model"] = ProModel });

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task A_model_that_names_a_draft_is_served_with_it_and_reports_the_drafts()
    {
        using var smoke = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(ProModel, "smoke.json")));
        var c = smoke.RootElement.GetProperty("cases")[0];
        using var response = await _service.Http.PostAsync("/v1/completions", new StringContent(JsonSerializer.Serialize(new
        {
            model = "iot-assist-pro",
            prompt = c.GetProperty("prompt").GetString(),
            parse_special_tokens = true,
            temperature = 0,
            max_tokens = 64,
        }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(c.GetProperty("text").GetString(), doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
        var usage = doc.RootElement.GetProperty("usage");
        var drafted = usage.GetProperty("drafted_tokens").GetInt32();
        Assert.True(drafted > 0);
        Assert.InRange(usage.GetProperty("accepted_draft_tokens").GetInt32(), 1, drafted);
        var metrics = await _service.Http.GetStringAsync("/metrics");
        Assert.Contains($"edgellm_draft_tokens_total {drafted}", metrics);
        Assert.Matches(@"edgellm_draft_acceptance_rate 0\.\d+|edgellm_draft_acceptance_rate 1", metrics);
    }
}
