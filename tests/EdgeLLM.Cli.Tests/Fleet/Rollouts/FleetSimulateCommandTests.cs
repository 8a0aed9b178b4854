using System.Text.Json;
using EdgeLLM.Cli.Fleet;
using EdgeLLM.Cli.Tests.Support;
using EdgeLLM.Mqtt.Tests.Infrastructure;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Cli.Tests.Fleet.Rollouts;

/// <summary><c>edgellm fleet simulate</c> as an operator runs it for a dry run: devices appear on the broker, and go offline at Ctrl-C.</summary>
[Collection(FleetRolloutCollection.Name)]
public sealed class FleetSimulateCommandTests
{
    [Fact]
    public async Task Simulated_devices_publish_their_status_with_their_group_until_interrupted_and_then_go_offline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var keys = Directory.CreateTempSubdirectory("edgellm-sim-keys-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(keys, "fleet.pub.pem"), OtaKeyPair.Generate().PublicKeyPem);
            await using var watcher = await FleetWatcher.StartAsync(broker.Host, broker.Port);
            using var interrupt = new CancellationTokenSource();
            var output = new LineWriter();
            var run = CliApp.RunAsync(["fleet", "simulate", "--devices", "25", "--group", "dry", "--prefix", "dry-", "--trusted-keys", keys,
                "--broker", $"{broker.Host}:{broker.Port}"], output, new StringWriter(), null, interrupt.Token);

            // The command says it is simulating once every device is online and the manifest topics are subscribed.
            using (var started = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            {
                Assert.StartsWith("simulating 25 devices on mqtt://", await output.Lines.ReadAsync(started.Token));
            }

            await watcher.WaitUntilAsync(v => v.Devices.Count(d => d.State == "online") == 25, "25 simulated devices online", TimeSpan.FromMinutes(1));
            Assert.All(watcher.View.Devices, d => Assert.Equal(("dry", "iot-assist", "2026.11.1"), (d.Group, d.Model, d.ModelVersion)));
            Assert.Equal("dry-0001", watcher.View.Devices.First().Id);

            await interrupt.CancelAsync();
            Assert.Equal(FleetExitCodes.Ok, await run);
            await watcher.WaitUntilAsync(v => v.Devices.All(d => d.State == "offline"), "every simulated device offline", TimeSpan.FromMinutes(1));
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_failure_rate_is_a_usage_error()
    {
        var result = await InProcess.RunAsync(["fleet", "simulate", "--devices", "5", "--trusted-keys", ".", "--fail-smoke", "150", "--broker", "127.0.0.1:1"]);

        Assert.Equal(FleetExitCodes.Usage, result.ExitCode);
        Assert.Contains("--fail-smoke must be a percent", result.Error);
    }
}
