using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Tests.Scheduling;

namespace EdgeLLM.Runtime.Tests.Energy;

/// <summary>The default model run through the engine with real meters: per-request caps and the rolling budget.</summary>
public class EngineEnergyTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static GenerationRequest Sampled(string id, RequestPriority priority = RequestPriority.Normal, double? energy = null, int maxTokens = 400) => new()
    {
        Id = id,
        Prompt = "Sensor report: temperature",
        Temperature = 1.0f,
        Seed = 7,
        MaxTokens = maxTokens,
        Priority = priority,
        EnergyBudgetJ = energy,
    };

    [Fact]
    public async Task A_request_whose_energy_cap_is_spent_on_a_rapl_counter_finishes_with_budget()
    {
        using var tree = new FixtureTree("intel-laptop");
        const string counter = "/sys/class/powercap/intel-rapl:0/energy_uj";
        using var meter = RaplEnergyMeter.TryOpen(tree.Root, null, out _)!;
        using var stop = new CancellationTokenSource();
        // The "CPU" burns 0.02 J per counter update, updated as fast as the file can be written while the
        // request runs (the kernel's counter, simulated). No sleeps: a busy machine must not let the request
        // finish before the counter moved.
        var started = new TaskCompletionSource();
        var burner = Task.Factory.StartNew(() =>
        {
            var uj = tree.ReadLong(counter);
            while (!stop.IsCancellationRequested)
            {
                uj += 20_000;
                tree.Write(counter, uj);
                started.TrySetResult();
                Thread.Sleep(0);
            }
        }, TaskCreationOptions.LongRunning);
        try
        {
            await started.Task;
            await using var engine = fixture.Engine(new EngineOptions { EnergyMeter = meter });
            var result = await engine.GenerateAsync(Sampled("capped", energy: 0.5));
            Assert.Equal(FinishReason.Budget, result.FinishReason);
            Assert.True(result.Usage.CompletionTokens < 400);
        }
        finally
        {
            await stop.CancelAsync();
            await burner;
        }
    }

    [Fact]
    public async Task Once_the_rolling_budget_is_spent_requests_get_over_budget_but_exempt_high_priority_ones_run()
    {
        // A 5 kW "device" (10 mW idle): even one short completion spends far more than the 1 J budget.
        var meter = new EstimatedEnergyMeter(0.01, 5000);
        var budget = new RollingEnergyBudget(meter, 1.0, exemptHighPriority: true);
        await using var engine = fixture.Engine(new EngineOptions { EnergyMeter = meter, Admission = budget });
        var first = await engine.GenerateAsync(Sampled("first", maxTokens: 40));
        Assert.True(first.Usage.CompletionTokens > 0);
        Assert.True(budget.UsedJ >= 1.0, $"used {budget.UsedJ} J");

        var refused = await Assert.ThrowsAsync<GenerationException>(() => engine.GenerateAsync(Sampled("second")));
        Assert.Equal(GenerationErrorCode.OverBudget, refused.Code);
        Assert.Contains("frees up", refused.Message);

        var urgent = await engine.GenerateAsync(Sampled("urgent", RequestPriority.High, maxTokens: 5));
        Assert.True(urgent.Usage.CompletionTokens > 0);
    }
}
