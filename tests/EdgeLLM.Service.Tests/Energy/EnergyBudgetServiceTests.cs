using System.Net;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;
using EdgeLLM.Service.Tests.Rest;

namespace EdgeLLM.Service.Tests.Energy;

/// <summary>Contract section 5's energy rules through the running service, with the profile's estimator.</summary>
public sealed class EnergyBudgetServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgellm-profile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A device drawing 5 kW when busy, with a 3 J rolling budget: a few tokens spend it.</summary>
    private string HungryProfile()
    {
        var path = Path.Combine(_dir, "hungry-device.json");
        File.WriteAllText(path, """
        {
          "id": "hungry-device",
          "description": "test device with a tiny energy budget",
          "match": { "priority": 0, "rules": [] },
          "execution_providers": [ { "name": "CPU", "options": {} } ],
          "threads": 1,
          "memory_budget_bytes": 2147483648,
          "kv_cache_budget_bytes": 268435456,
          "max_concurrent_sequences": 2,
          "max_queued_requests": 8,
          "energy": { "meter": "estimate", "idle_watts": 0.001, "active_watts": 5000, "rolling_budget_j_per_hour": 3, "exempt_high_priority": true },
          "thermal": { "zone": "auto", "throttle_c": 85, "pause_c": 95, "resume_c": 80, "throttle_batch": 1 },
          "systemd_memory_max": "3G"
        }
        """);
        return path;
    }

    [Fact]
    public async Task A_small_energy_cap_stops_with_budget_and_a_spent_rolling_budget_answers_over_budget()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Device"] = HungryProfile() });
        // The start-up probe runs at high priority, exempt; it may already have used part of the budget.
        using var capped = await service.Http.PostAsync("/v1/completions",
            RestApiTests.Json(new { prompt = "Sensor report: temperature", max_tokens = 300, temperature = 1.0, seed = 3, energy_budget_j = 0.2, priority = "high" }));
        Assert.Equal(HttpStatusCode.OK, capped.StatusCode);
        using (var doc = JsonDocument.Parse(await capped.Content.ReadAsStringAsync()))
        {
            Assert.Equal("budget", doc.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
            Assert.True(doc.RootElement.GetProperty("usage").GetProperty("energy_j").GetDouble() >= 0.2);
            Assert.True(doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() < 300);
        }
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            var response = await service.Http.PostAsync("/v1/completions", RestApiTests.Json(new { prompt = "Sensor report: humidity", max_tokens = 20 }));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
        }
        Assert.NotNull(refused);
        await RestApiTests.AssertErrorAsync(refused, 429, "over_budget");
        using var urgent = await service.Http.PostAsync("/v1/completions", RestApiTests.Json(new { prompt = "Sensor report: smoke", max_tokens = 5, priority = "high" }));
        Assert.Equal(HttpStatusCode.OK, urgent.StatusCode);
        var metrics = await service.Http.GetStringAsync("/metrics");
        Assert.Contains("edgellm_energy_budget_remaining_joules 0", metrics);
        Assert.Contains("edgellm_requests_total{transport=\"http\",outcome=\"over_budget\"}", metrics);
        Assert.Contains("edgellm_energy_joules_total{source=\"estimate\"}", metrics);
    }
}
