using EdgeLLM.Cli.Fleet;
using EdgeLLM.Cli.Fleet.Rollouts;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Fleet.Rollouts;

/// <summary>Rollouts to a device list, simulated devices that never report, and the command line's refusals.</summary>
[Collection(FleetRolloutCollection.Name)]
public sealed class FleetRolloutTargetTests
{
    [Fact]
    public async Task A_device_list_rollout_reaches_exactly_the_listed_devices_wave_by_wave()
    {
        await using var fleet = await SimulatedFleet.StartAsync(devices: 60);
        var listed = fleet.Simulator.Devices.Keys.Where((_, i) => i % 3 == 0).ToList();

        var rollout = await InProcess.RunAsync(["fleet", "rollout", fleet.Manifest, "--key", fleet.PrivateKey, "--devices", string.Join(',', listed),
            "--name", "canary", "--waves", "5,100%", "--broker", fleet.Address, "--in-progress-timeout", "60"]);

        Assert.True(rollout.ExitCode == 0, rollout.Error + rollout.Output);
        Assert.Contains("wave 1/2 (5): 5 devices", rollout.Output);
        Assert.Contains("wave 2/2 (100%): 20 devices", rollout.Output);
        await Task.WhenAll(fleet.Simulator.Devices.Values.Select(d => d.Idle));
        Assert.All(fleet.Simulator.Devices.Values, d => Assert.Equal(listed.Contains(d.Id) ? SimulatedFleet.NewVersion : SimulatedFleet.OldVersion, d.Active.Version));
    }

    [Fact]
    public async Task Devices_that_never_report_time_out_and_the_timed_out_gate_aborts()
    {
        await using var fleet = await SimulatedFleet.StartAsync(devices: 100, new Cli.Fleet.Simulation.SimulatedFaults { SilentPercent = 30 });

        var rollout = await InProcess.RunAsync(fleet.RolloutArguments("--waves", "20%,100%", "--min-executed", "5", "--abort-timed-out", "10",
            "--in-progress-timeout", "3"));

        Assert.True(rollout.ExitCode == FleetExitCodes.Aborted, rollout.Error + rollout.Output);
        Assert.Contains("aborted at wave 1/2", rollout.Output);
        Assert.Contains("timed out", rollout.Output[rollout.Output.IndexOf("aborted", StringComparison.Ordinal)..]);
        Assert.All(fleet.Simulator.Devices.Values, d => Assert.Equal(SimulatedFleet.OldVersion, d.Active.Version));
    }

    [Theory]
    [InlineData("--waves", "10%,5%,100%", "must reach further")]
    [InlineData("--waves", "10%,50%", "the last wave must be 100%")]
    [InlineData("--exponential", "ten", "BASE:FACTOR")]
    public async Task A_bad_plan_is_a_usage_error_before_anything_is_published(string option, string value, string expected)
    {
        var root = Directory.CreateTempSubdirectory("edgellm-rollout-usage-").FullName;
        try
        {
            var manifest = Path.Combine(root, "m.json");
            await File.WriteAllTextAsync(manifest, "{\"model\":\"m\",\"version\":\"1\",\"url\":\"https://x/b.tar.gz\",\"sha256\":\"" + new string('a', 64) + "\",\"size\":1}");
            var result = await InProcess.RunAsync(["fleet", "rollout", manifest, "--key", Path.Combine(root, "missing.pem"), "--group", "g", "--broker", "127.0.0.1:1", option, value]);

            Assert.Equal(FleetExitCodes.Usage, result.ExitCode);
            Assert.Contains(expected, result.Error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_state_of_a_rollout_is_retained_under_the_fleet_level_beside_its_group_manifest()
    {
        Assert.Equal("acme/fleet/lab/rollout", RolloutRunner.StateTopic(new FleetTopics("acme"), "lab"));
    }
}
