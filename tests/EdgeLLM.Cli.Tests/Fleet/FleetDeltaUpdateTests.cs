using System.Text.Json;
using EdgeLLM.Cli.Tests.Ota.Support;
using EdgeLLM.Cli.Tests.Support;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>
/// A real service takes a new version of its default model packed with <c>--files-url</c> whose only change is in
/// <c>model.onnx</c>: it downloads that file (and the new version's identity file) and reuses the rest, says so on
/// <c>ota/status</c>, and serves the new version.
/// </summary>
[Collection(FleetRolloutCollection.Name)]
public sealed class FleetDeltaUpdateTests : IAsyncLifetime
{
    private const string NewVersion = "2099.2.1";
    private static readonly TimeSpan UpdateTimeout = TimeSpan.FromMinutes(4);
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-delta-").FullName;
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_version_changing_only_model_onnx_downloads_only_that_file_on_a_real_service()
    {
        await using var origin = await FleetOrigin.StartAsync(_root);
        var (keys, trusted, bundles, server) = origin;

        // The default model with model.onnx changed without changing what it computes: an unknown field appended to the
        // ONNX protobuf (field 999, 16 bytes), which parsers skip. The smoke test still passes; only the bytes differ.
        var source = Path.Combine(_root, "source");
        Directory.CreateDirectory(source);
        foreach (var file in Directory.GetFiles(Repo.DefaultModel))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }

        await using (var onnx = new FileStream(Path.Combine(source, "model.onnx"), FileMode.Append))
        {
            onnx.Write([0xBA, 0x3E, 16, .. "edgellm-delta-v2"u8]);
        }

        var pack = await InProcess.RunAsync(["ota", "pack", source, "--out", bundles, "--version", NewVersion, "--url", server.BaseAddress.AbsoluteUri,
            "--files-url", server.BaseAddress.AbsoluteUri, "--against", Repo.DefaultModel]);
        Assert.True(pack.ExitCode == 0, pack.Error);
        Assert.Contains("2 of 10 files changed (edgellm_model.json, model.onnx)", pack.Output);
        var manifest = Path.Combine(bundles, $"iot-assist-{NewVersion}.json");
        Assert.Equal(0, (await InProcess.RunAsync(["ota", "sign", manifest, "--key", Path.Combine(keys, "fleet.pem")])).ExitCode);

        await using var watcher = await FleetWatcher.StartAsync(_broker.Host, _broker.Port);
        await using var device = await SimulatedDevice.StartAsync("gw-delta", _broker.Host, _broker.Port, "lab", trusted);
        await watcher.WaitUntilAsync(v => v.Devices.Any(d => d.Id == "gw-delta" && d.State == "online"), "device online", UpdateTimeout);
        var published = await InProcess.RunAsync(["ota", "publish", manifest, "--broker", $"{_broker.Host}:{_broker.Port}", "--device", "gw-delta",
            "--public-key", Path.Combine(trusted, "fleet.pub.pem")]);
        Assert.True(published.ExitCode == 0, published.Error);

        await watcher.WaitUntilAsync(v => v.Devices.Any(d => d.Id == "gw-delta" && d.Ota is { Phase: "active" or "rejected" or "rolled_back", Version: NewVersion }),
            "the device finished the update", UpdateTimeout);
        var ota = watcher.View.Devices.Single(d => d.Id == "gw-delta").Ota!;
        Assert.True(ota.Phase == "active", ota.ToString());
        var changed = new FileInfo(Path.Combine(source, "model.onnx")).Length + new FileInfo(Path.Combine(bundles, $"iot-assist-{NewVersion}", "edgellm_model.json")).Length;
        var total = Directory.GetFiles(Path.Combine(bundles, $"iot-assist-{NewVersion}")).Sum(f => new FileInfo(f).Length);
        Assert.Equal((changed, total - changed), (ota.DownloadedBytes, ota.ReusedBytes));

        using var models = JsonDocument.Parse(await device.Http.GetStringAsync("/v1/models"));
        Assert.Equal(NewVersion, models.RootElement.GetProperty("data")[0].GetProperty("version").GetString());
    }
}
