using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Tests.Scheduling;
using EdgeLLM.Runtime.Thermal;

namespace EdgeLLM.Runtime.Tests.Thermal;

public class ThermalGovernorTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string Zone = "/sys/class/thermal/thermal_zone0/temp";
    private static readonly ThermalProfile Limits = new() { Zone = "cpu-thermal", ThrottleC = 75, PauseC = 82, ResumeC = 70, ThrottleBatch = 2 };

    [Fact]
    public async Task Ticks_set_the_engines_batch_limit_and_admission()
    {
        using var tree = new FixtureTree("raspberry-pi-5");
        using var monitor = new ThermalMonitor(Limits, tree.Root);
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 8 });
        var governor = new ThermalGovernor(monitor, () => engine);
        tree.Write(Zone, 77000);
        Assert.Equal(ThermalState.Throttled, governor.Tick());
        Assert.Equal(2, engine.BatchLimit);
        Assert.False(engine.AdmissionPaused);
        tree.Write(Zone, 85000);
        Assert.Equal(ThermalState.Paused, governor.Tick());
        Assert.True(engine.AdmissionPaused);
        tree.Write(Zone, 60000);
        Assert.Equal(ThermalState.Normal, governor.Tick());
        Assert.Equal(8, engine.BatchLimit);
        Assert.False(engine.AdmissionPaused);
    }

    [Fact]
    public async Task The_loop_reads_at_once_and_leaves_the_engine_normal_when_stopped()
    {
        using var tree = new FixtureTree("raspberry-pi-5");
        using var monitor = new ThermalMonitor(Limits, tree.Root);
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 4 });
        // The loop reads once as it starts; the next reading is an hour away, so the test sees exactly that one.
        var governor = new ThermalGovernor(monitor, () => engine, TimeSpan.FromHours(1));
        tree.Write(Zone, 90000);
        using var cts = new CancellationTokenSource();

        var loop = governor.RunAsync(cts.Token);

        Assert.Equal(ThermalState.Paused, governor.State);
        Assert.True(engine.AdmissionPaused);
        Assert.Equal(2, engine.BatchLimit);
        await cts.CancelAsync();
        await loop;
        Assert.False(engine.AdmissionPaused);
        Assert.Equal(4, engine.BatchLimit);
    }

    [Fact]
    public async Task Each_tick_applies_the_state_to_the_engine_serving_now()
    {
        using var tree = new FixtureTree("raspberry-pi-5");
        using var monitor = new ThermalMonitor(Limits, tree.Root);
        await using var first = fixture.Engine(new EngineOptions { MaxBatchSize = 4 });
        await using var swapped = fixture.Engine(new EngineOptions { MaxBatchSize = 4 });
        var serving = first;
        var governor = new ThermalGovernor(monitor, () => serving);
        tree.Write(Zone, 77000);
        governor.Tick();

        serving = swapped;
        governor.Tick();

        Assert.Equal(ThermalState.Throttled, governor.State);
        Assert.Equal(2, swapped.BatchLimit);
    }
}
