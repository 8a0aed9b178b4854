using System.Diagnostics;
using System.Text.Json;
using EdgeLLM.Cli.Fleet.Simulation;
using EdgeLLM.Cli.Tests.Support;
using EdgeLLM.Ota.Device;
using Xunit.Abstractions;

namespace EdgeLLM.Cli.Tests.Fleet.Rollouts;

/// <summary>
/// <c>fleet rollout</c> against a thousand simulated devices (<c>fleet simulate</c>'s simulator) on the real broker:
/// waves 1 % → 10 % → 50 % → 100 % complete, or abort at the first gate that counts when devices fail their smoke test.
/// </summary>
[Collection(FleetRolloutCollection.Name)]
public sealed class FleetScaleTests(ITestOutputHelper log)
{
    private static readonly string[] Plan =
        ["--waves", "1%,10%,50%,100%", "--min-executed", "50", "--abort-failed", "5", "--in-progress-timeout", "120"];

    [Fact]
    public async Task A_thousand_devices_take_a_four_wave_rollout_to_the_end_and_fleet_status_reads_them_all()
    {
        await using var fleet = await SimulatedFleet.StartAsync(devices: 1000);

        var rollout = await InProcess.RunAsync(fleet.RolloutArguments(Plan));
        log.WriteLine(rollout.Output);
        Assert.True(rollout.ExitCode == 0, rollout.Error + rollout.Output);
        Assert.Contains($"rollout 'lab' of iot-assist@{SimulatedFleet.NewVersion} to group lab: completed", rollout.Output);
        // Each wave started after the one before was done, and reached what the plan says.
        Assert.Equal(["wave 1/4 (1%", "wave 2/4 (10%", "wave 3/4 (50%", "wave 4/4 (100%"],
            rollout.Output.Split('\n').Where(l => l.StartsWith("wave ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]));
        Assert.All(fleet.Simulator.Devices.Values, d => Assert.Equal(SimulatedFleet.NewVersion, d.Active.Version));
        Assert.All(fleet.Simulator.Devices.Values, d => Assert.Equal(1, d.Installs));

        var clock = Stopwatch.StartNew();
        var status = await InProcess.RunAsync(["fleet", "status", "--broker", fleet.Address, "--json"]);
        clock.Stop();
        log.WriteLine($"fleet status --json at 1000 devices: {clock.ElapsedMilliseconds} ms");
        Assert.True(status.ExitCode == 0, status.Error);
        using var json = JsonDocument.Parse(status.Output);
        var devices = json.RootElement.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(1000, devices.Count);
        Assert.All(devices, d => Assert.Equal(SimulatedFleet.NewVersion, d.GetProperty("model_version").GetString()));
        var summary = Assert.Single(json.RootElement.GetProperty("rollouts").EnumerateArray());
        Assert.Equal(1000, summary.GetProperty("active").GetInt32());
        // A generous bound (the figure is printed above): the point is that reading a thousand devices stays interactive.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"fleet status took {clock.Elapsed}");
    }

    [Fact]
    public async Task Ten_percent_failing_smoke_tests_abort_at_the_first_gate_past_its_minimum_and_every_switched_device_rolls_back()
    {
        var faults = new SimulatedFaults { SmokeFailPercent = 10 };
        await using var fleet = await SimulatedFleet.StartAsync(devices: 1000, faults);
        var firstTwoWaves = fleet.Simulator.Devices.Keys.Where(id => RolloutSelector.Bucket(id, SimulatedFleet.Seed) < 10).ToList();
        var failing = firstTwoWaves.Count(faults.FailsSmokeTest);
        // The premise: wave 1 (1 %) is below the 50-device minimum, and waves 1 and 2 together fail more than the 5 % threshold.
        Assert.True(fleet.Simulator.Devices.Keys.Count(id => RolloutSelector.Bucket(id, SimulatedFleet.Seed) < 1) < 50);
        Assert.True(failing * 100 >= 5 * firstTwoWaves.Count, $"{failing} of {firstTwoWaves.Count}");

        var rollout = await InProcess.RunAsync(fleet.RolloutArguments(Plan));
        log.WriteLine(rollout.Output);
        Assert.True(rollout.ExitCode == 3, rollout.Error + rollout.Output);
        Assert.Contains($"rollout 'lab' of iot-assist@{SimulatedFleet.NewVersion} to group lab: aborted at wave 2/4", rollout.Output);
        Assert.DoesNotContain("wave 3/4", rollout.Output);

        // The abort notices reach the devices over the broker after the command has ended: wait for every device (all
        // are in the group the notice goes to) to have handled one, then for what each still runs.
        await Task.WhenAll(fleet.Simulator.Devices.Values.Select(d => d.AbortHandled)).WaitAsync(TimeSpan.FromMinutes(2));
        await Task.WhenAll(fleet.Simulator.Devices.Values.Select(d => d.Idle));
        var switched = fleet.Simulator.Devices.Values.Where(d => d.Installs > 0).ToList();
        Assert.NotEmpty(switched);
        // No device outside the two started waves ever installed; every device that switched is back on the old version.
        Assert.All(switched, d => Assert.Contains(d.Id, firstTwoWaves));
        Assert.All(fleet.Simulator.Devices.Values, d => Assert.Equal(SimulatedFleet.OldVersion, d.Active.Version));

        var status = await InProcess.RunAsync(["fleet", "status", "--broker", fleet.Address, "--json"]);
        using var json = JsonDocument.Parse(status.Output);
        Assert.All(json.RootElement.GetProperty("devices").EnumerateArray(), d => Assert.Equal(SimulatedFleet.OldVersion, d.GetProperty("model_version").GetString()));
        var summary = Assert.Single(json.RootElement.GetProperty("rollouts").EnumerateArray());
        Assert.Equal((0, switched.Count), (summary.GetProperty("active").GetInt32(), summary.GetProperty("rolled_back").GetInt32()));

        // Run again, the finished rollout is reported as it ended, and nothing is published.
        var again = await InProcess.RunAsync(fleet.RolloutArguments(Plan));
        Assert.Equal(3, again.ExitCode);
        Assert.Contains("aborted at wave 2/4", again.Output);
        Assert.Equal(switched.Count, fleet.Simulator.Devices.Values.Count(d => d.Installs > 0));
    }
}
