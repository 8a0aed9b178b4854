using System.Text.Json;
using EdgeLLM.Cli.Tests.Ota.Support;
using EdgeLLM.Cli.Tests.Support;
using EdgeLLM.Mqtt.Tests.Infrastructure;
using EdgeLLM.Ota.Device;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>
/// The operator's side end to end: a bundle packed from the default model as a new version, signed, published to a
/// group with <c>ota publish</c> as a 50 % rollout, taken by real service instances on the real broker, and read
/// back with <c>fleet status --json</c>.
/// </summary>
[Collection(FleetRolloutCollection.Name)]
public sealed class FleetRolloutTests : IAsyncLifetime
{
    private const string Group = "lab";
    private const string Seed = "wave-1";
    private const string NewVersion = "2099.1.1";
    private static readonly TimeSpan UpdateTimeout = TimeSpan.FromMinutes(4);
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-fleet-").FullName;
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_fifty_percent_group_rollout_updates_exactly_the_devices_in_it_and_fleet_status_reports_the_versions_they_serve()
    {
        await using var origin = await FleetOrigin.StartAsync(_root);
        var (keys, trusted, bundles, server) = origin;
        var manifest = await PackAndSignAsync(keys, bundles, server.BaseAddress, rolloutPercent: 50);
        string defaultVersion = ReadVersion(Repo.DefaultModel);
        Assert.NotEqual(NewVersion, defaultVersion);

        // Two devices whose bucket is below 50 for the seed and two above: the rollout must take exactly the first two.
        var candidates = Enumerable.Range(1, 40).Select(i => $"gw-{i:00}").ToList();
        var inside = candidates.Where(d => RolloutSelector.Bucket(d, Seed) < 50).Take(2).ToList();
        var outside = candidates.Where(d => RolloutSelector.Bucket(d, Seed) >= 50).Take(2).ToList();
        await using var watcher = await FleetWatcher.StartAsync(_broker.Host, _broker.Port);
        var devices = new List<SimulatedDevice>();
        try
        {
            foreach (var id in inside.Concat(outside))
            {
                devices.Add(await SimulatedDevice.StartAsync(id, _broker.Host, _broker.Port, Group, trusted));
            }

            await watcher.WaitUntilAsync(v => v.Devices.Count(d => d.State == "online") == 4, "every device online", UpdateTimeout);

            var published = await InProcess.RunAsync(["ota", "publish", manifest, "--broker", $"{_broker.Host}:{_broker.Port}", "--group", Group,
                "--public-key", Path.Combine(trusted, "fleet.pub.pem")]);
            Assert.True(published.ExitCode == 0, published.Error);
            Assert.Contains($"edgellm/fleet/{Group}/ota", published.Output);

            await watcher.WaitUntilAsync(v =>
                    v.Devices.Count(d => d.Ota is { Phase: "active" or "rejected", Version: NewVersion }) == 4
                    && v.Devices.Where(d => inside.Contains(d.Id)).All(d => d.ModelVersion == NewVersion),
                "every device finished the rollout", UpdateTimeout);

            var status = await InProcess.RunAsync(["fleet", "status", "--broker", $"{_broker.Host}:{_broker.Port}", "--json"]);
            Assert.True(status.ExitCode == 0, status.Error);
            using var json = JsonDocument.Parse(status.Output);
            var rows = json.RootElement.GetProperty("devices").EnumerateArray().ToDictionary(d => d.GetProperty("device").GetString()!);
            Assert.Equal(inside.Concat(outside).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
            foreach (var id in inside)
            {
                var row = rows[id];
                Assert.Equal("online", row.GetProperty("state").GetString());
                Assert.Equal(NewVersion, row.GetProperty("model_version").GetString());
                Assert.Equal("active", row.GetProperty("ota").GetProperty("phase").GetString());
                Assert.Equal(NewVersion, row.GetProperty("ota").GetProperty("version").GetString());
            }

            foreach (var id in outside)
            {
                var row = rows[id];
                Assert.Equal(defaultVersion, row.GetProperty("model_version").GetString());
                Assert.Equal("rejected", row.GetProperty("ota").GetProperty("phase").GetString());
                Assert.Equal("not_in_rollout", row.GetProperty("ota").GetProperty("code").GetString());
            }

            var rollout = Assert.Single(json.RootElement.GetProperty("rollouts").EnumerateArray());
            Assert.Equal(("iot-assist", NewVersion), (rollout.GetProperty("model").GetString(), rollout.GetProperty("version").GetString()));
            Assert.Equal([4, 2, 0, 0, 0, 2], new[] { "devices", "active", "in_progress", "rejected", "rolled_back", "not_in_rollout" }
                .Select(k => rollout.GetProperty(k).GetInt32()));

            // The version a device reports over MQTT is the one it serves over REST.
            foreach (var device in devices)
            {
                using var models = JsonDocument.Parse(await device.Http.GetStringAsync("/v1/models"));
                Assert.Equal(rows[device.Id].GetProperty("model_version").GetString(), models.RootElement.GetProperty("data")[0].GetProperty("version").GetString());
            }

            // And `models list` on an updated device names the active version by the manifest's version too.
            var updated = devices.First(d => inside.Contains(d.Id));
            var list = await InProcess.RunAsync(["models", "list", "--json", "--state-dir", updated.StateDirectory]);
            Assert.True(list.ExitCode == 0, list.Error);
            using (var listed = JsonDocument.Parse(list.Output))
            {
                var active = Assert.Single(listed.RootElement.EnumerateArray(), m => m.GetProperty("ota").GetString() == "active");
                Assert.Equal(NewVersion, active.GetProperty("version").GetString());
            }

            var table = await InProcess.RunAsync(["fleet", "status", "--broker", $"{_broker.Host}:{_broker.Port}"]);
            Assert.Contains($"rollout iot-assist@{NewVersion}: 4 devices: 2 active, 0 in progress, 0 rejected, 0 rolled back, 2 not in the rollout percent", table.Output);
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }

    private static async Task<string> PackAndSignAsync(string keys, string bundles, Uri baseAddress, int rolloutPercent)
    {
        // The default model directory as it is: its edgellm_model.json names another version than the one packed.
        var pack = await InProcess.RunAsync(["ota", "pack", Repo.DefaultModel, "--out", bundles, "--version", NewVersion,
            "--url", baseAddress.AbsoluteUri, "--rollout-percent", rolloutPercent.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rollout-seed", Seed]);
        Assert.True(pack.ExitCode == 0, pack.Error);
        var manifest = Path.Combine(bundles, $"iot-assist-{NewVersion}.json");
        var sign = await InProcess.RunAsync(["ota", "sign", manifest, "--key", Path.Combine(keys, "fleet.pem")]);
        Assert.True(sign.ExitCode == 0, sign.Error);
        return manifest;
    }

    private static string ReadVersion(string modelDirectory)
    {
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelDirectory, "edgellm_model.json")));
        return info.RootElement.GetProperty("version").GetString()!;
    }
}
