using System.Text;
using System.Text.Json;
using EdgeLLM.Cli.Fleet;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary><c>fleet status --watch --json</c> against the real broker: a snapshot first, then one line per change, until Ctrl-C.</summary>
public sealed class FleetStatusWatchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Watch_prints_the_retained_snapshot_then_a_line_for_every_change_and_ends_with_0_when_cancelled()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var topics = new FleetTopics(FleetTopics.DefaultRoot);
        await using var device = await FleetConnection.ConnectAsync(new FleetBrokerOptions { Host = broker.Host, Port = broker.Port }, topics, CancellationToken.None);
        await device.PublishAsync("edgellm/gw-1/status", Encoding.UTF8.GetBytes("""{"state":"online","model":"iot-assist","model_version":"1.0","since":"2026-12-01T07:00:00Z"}"""),
            retain: true, CancellationToken.None);
        var output = new LineWriter();
        using var interrupt = new CancellationTokenSource();

        var run = CliApp.RunAsync(["fleet", "status", "--broker", $"{broker.Host}:{broker.Port}", "--watch", "--json"], output, new StringWriter(), null, interrupt.Token);

        using (var snapshot = await NextAsync(output))
        {
            var row = Assert.Single(snapshot.RootElement.GetProperty("devices").EnumerateArray());
            Assert.Equal(("gw-1", "1.0"), (row.GetProperty("device").GetString(), row.GetProperty("model_version").GetString()));
        }

        await device.PublishAsync("edgellm/gw-1/ota/status", Encoding.UTF8.GetBytes("""{"model":"iot-assist","version":"2.0","phase":"downloading","progress":0.5,"error":null,"code":null}"""),
            retain: true, CancellationToken.None);
        using (var change = await NextAsync(output))
        {
            var row = Assert.Single(change.RootElement.GetProperty("devices").EnumerateArray());
            Assert.Equal("downloading", row.GetProperty("ota").GetProperty("phase").GetString());
            Assert.NotNull(row.GetProperty("last_seen").GetString());
            var rollout = Assert.Single(change.RootElement.GetProperty("rollouts").EnumerateArray());
            Assert.Equal(1, rollout.GetProperty("in_progress").GetInt32());
        }

        await interrupt.CancelAsync();
        Assert.Equal(FleetExitCodes.Ok, await run.WaitAsync(Wait));
    }

    private static async Task<JsonDocument> NextAsync(LineWriter output)
    {
        using var limit = new CancellationTokenSource(Wait);
        return JsonDocument.Parse(await output.Lines.ReadAsync(limit.Token));
    }
}
