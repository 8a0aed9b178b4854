using System.Text;
using System.Text.Json;
using EdgeLLM.Cli.Tests.Ota.Support;
using EdgeLLM.Cli.Tests.Support;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>
/// iot-assist-pro names iot-assist as its draft. Packed with <c>--with-draft</c> (and <c>--files-url</c>), it reaches a
/// real service that serves iot-assist: the device downloads the teacher, reuses the draft it already holds by SHA-256,
/// smoke-tests the pair, switches them together and serves with drafting.
/// </summary>
[Collection(FleetRolloutCollection.Name)]
public sealed class FleetDraftBundleTests : IAsyncLifetime
{
    private static readonly TimeSpan UpdateTimeout = TimeSpan.FromMinutes(4);
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-draft-").FullName;
    private MosquittoBroker _broker = null!;

    private static string ProModel => Path.Combine(Path.GetDirectoryName(Repo.DefaultModel)!, "iot-assist-pro");

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_bundle_of_a_model_and_its_draft_becomes_active_and_serves_with_drafting()
    {
        await using var origin = await FleetOrigin.StartAsync(_root);
        var (keys, trusted, bundles, server) = origin;

        var pack = await InProcess.RunAsync(["ota", "pack", ProModel, "--out", bundles, "--url", server.BaseAddress.AbsoluteUri,
            "--files-url", server.BaseAddress.AbsoluteUri, "--with-draft", "--against", Repo.DefaultModel]);
        Assert.True(pack.ExitCode == 0, pack.Error);
        var manifestPath = Directory.GetFiles(bundles, "iot-assist-pro-*.json").Single();
        Assert.Equal(0, (await InProcess.RunAsync(["ota", "sign", manifestPath, "--key", Path.Combine(keys, "fleet.pem")])).ExitCode);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
        var version = manifest.RootElement.GetProperty("version").GetString()!;
        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();
        var draftBytes = files.Where(f => f.GetProperty("path").GetString()!.StartsWith("draft/", StringComparison.Ordinal)).Sum(f => f.GetProperty("size").GetInt64());
        Assert.True(draftBytes >= new FileInfo(Path.Combine(Repo.DefaultModel, "model.onnx")).Length, "the draft's weights are in the bundle");

        await using var watcher = await FleetWatcher.StartAsync(_broker.Host, _broker.Port);
        await using var device = await SimulatedDevice.StartAsync("gw-draft", _broker.Host, _broker.Port, "lab", trusted);
        await watcher.WaitUntilAsync(v => v.Devices.Any(d => d.Id == "gw-draft" && d.State == "online"), "device online", UpdateTimeout);
        var published = await InProcess.RunAsync(["ota", "publish", manifestPath, "--broker", $"{_broker.Host}:{_broker.Port}", "--device", "gw-draft",
            "--public-key", Path.Combine(trusted, "fleet.pub.pem")]);
        Assert.True(published.ExitCode == 0, published.Error);

        await watcher.WaitUntilAsync(v => v.Devices.Any(d => d.Id == "gw-draft" && d.Ota is { Phase: "active" or "rejected" or "rolled_back" } ota && ota.Version == version),
            "the device finished the update", UpdateTimeout);
        var status = watcher.View.Devices.Single(d => d.Id == "gw-draft").Ota!;
        Assert.True(status.Phase == "active", status.ToString());
        // The draft is the model the device already served: none of its files was downloaded.
        Assert.True(status.ReusedBytes >= draftBytes, $"reused {status.ReusedBytes} bytes, the draft is {draftBytes}");

        using var smoke = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(ProModel, "smoke.json")));
        var c = smoke.RootElement.GetProperty("cases")[0];
        using var response = await device.Http.PostAsync("/v1/completions", new StringContent(
            // The smoke prompt is already templated: its markup is meant as control tokens (contract v1.2, "text is text").
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = "iot-assist-pro", ["prompt"] = c.GetProperty("prompt").GetString()!, ["temperature"] = 0, ["max_tokens"] = 64,
                ["parse_special_tokens"] = true,
            }),
            Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var answer = JsonDocument.Parse(body);
        Assert.Equal(c.GetProperty("text").GetString(), answer.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.True(answer.RootElement.GetProperty("usage").GetProperty("drafted_tokens").GetInt32() > 0, body);
    }
}
