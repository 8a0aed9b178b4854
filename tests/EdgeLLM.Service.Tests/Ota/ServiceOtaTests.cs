using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Signing;
using EdgeLLM.Ota.Tests.Support;
using EdgeLLM.Service.Tests.Hosting;
using EdgeLLM.Service.Tests.Rest;

namespace EdgeLLM.Service.Tests.Ota;

/// <summary>
/// An honest update through the running service with the real parts: a bundle packed from the default model,
/// served over HTTP, signed with a trusted key, validated by loading it beside the serving model and running its
/// smoke test through a real engine, switched atomically, then answering under the new version.
/// </summary>
public sealed class ServiceOtaTests : IDisposable
{
    private const string Key = "admin-key-0123456789abcdef";
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-svc-ota-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string NewVersionOfTheDefaultModel(string version)
    {
        var source = Path.Combine(_root, "source", version);
        Directory.CreateDirectory(source);
        foreach (var file in Directory.EnumerateFiles(DefaultModelSmoke.Directory))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }
        var identity = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "edgellm_model.json")))!.AsObject();
        identity["version"] = version;
        File.WriteAllText(Path.Combine(source, "edgellm_model.json"), identity.ToJsonString());
        return source;
    }

    [Fact]
    public async Task An_update_packed_with_a_new_version_ends_active_and_serves_and_reports_the_manifests_version()
    {
        var key = OtaKeyPair.Generate();
        var trusted = Path.Combine(_root, "trusted-keys");
        Directory.CreateDirectory(trusted);
        await File.WriteAllTextAsync(Path.Combine(trusted, "fleet.pub.pem"), key.PublicKeyPem);
        await using var server = await BundleServer.StartAsync();
        // The default model directory as it is (its edgellm_model.json says 2026.11.22), packed as another version:
        // the device must serve and report the manifest's version, not the directory's.
        var packed = await OtaBundlePacker.PackAsync(
            new OtaPackRequest(DefaultModelSmoke.Directory, Path.Combine(_root, "bundles")) { Version = "2026.12.1", Url = server.BaseAddress.AbsoluteUri },
            CancellationToken.None);
        var url = server.Add(packed.BundlePath);
        var manifest = JsonNode.Parse(await File.ReadAllBytesAsync(packed.ManifestPath))!.AsObject();
        manifest["url"] = url.AbsoluteUri;
        var signed = TestSigning.Sign(manifest, key);

        await using var service = await RunningService.StartAsync(new Dictionary<string, string>
        {
            ["EdgeLLM:Http:ApiKeys:0"] = Key,
            ["EdgeLLM:Ota:TrustedKeysDir"] = trusted,
        });
        using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/ota") { Content = new ByteArrayContent(signed) };
        post.Headers.Authorization = RunningService.Bearer(Key);
        using var response = await service.Http.SendAsync(post);
        var status = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"phase\":\"active\"", status);

        using var models = JsonDocument.Parse(await service.Http.GetStringAsync("/v1/models"));
        Assert.Equal("2026.12.1", models.RootElement.GetProperty("data")[0].GetProperty("version").GetString());
        var c = DefaultModelSmoke.Cases[0];
        using var answer = await service.Http.PostAsync("/v1/chat/completions", RestApiTests.Json(new
        {
            messages = new[] { new { role = "user", content = c.UserMessage } },
            temperature = 0,
        }));
        using var doc = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Equal(c.Text, doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        var metrics = await service.Http.GetStringAsync("/metrics");
        Assert.Contains("edgellm_ota_phase{model=\"iot-assist\",version=\"2026.12.1\",phase=\"active\"} 1", metrics);
        Assert.Contains("edgellm_model_info{model=\"iot-assist\",version=\"2026.12.1\",", metrics);
        Assert.Equal("2026.12.1", service.Host.Current!.Model.Identity.Version);
        // The switched model answered its probe, so the running service confirmed it: it is not rolled back when
        // Ota:ConfirmSeconds pass (before, only a restart confirmed, and a live update reverted after 300 s).
        using (var journal = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(service.StateDir!, "ota", "ota-state.json"))))
        {
            Assert.Equal("2026.12.1", journal.RootElement.GetProperty("active").GetProperty("version").GetString());
            Assert.True(journal.RootElement.GetProperty("active_confirmed").GetBoolean());
        }

        // The same manifest again is a no-op: still active, same version.
        using var again = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/ota") { Content = new ByteArrayContent(signed) };
        again.Headers.Authorization = RunningService.Bearer(Key);
        Assert.Contains("\"phase\":\"active\"", await (await service.Http.SendAsync(again)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bundle_whose_smoke_test_fails_is_rejected_and_the_old_model_keeps_serving()
    {
        var key = OtaKeyPair.Generate();
        var trusted = Path.Combine(_root, "trusted-keys");
        Directory.CreateDirectory(trusted);
        await File.WriteAllTextAsync(Path.Combine(trusted, "fleet.pub.pem"), key.PublicKeyPem);
        var source = NewVersionOfTheDefaultModel("2026.12.2");
        // Expected ids that the model does not produce: the real engine must notice.
        var smoke = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "smoke.json")))!.AsObject();
        smoke["cases"]![0]!["output_ids"] = new JsonArray(5, 6, 7);
        File.WriteAllText(Path.Combine(source, "smoke.json"), smoke.ToJsonString());
        await using var server = await BundleServer.StartAsync();
        var packed = await OtaBundlePacker.PackAsync(new OtaPackRequest(source, Path.Combine(_root, "bundles")) { Url = server.BaseAddress.AbsoluteUri }, CancellationToken.None);
        var url = server.Add(packed.BundlePath);
        var manifest = JsonNode.Parse(await File.ReadAllBytesAsync(packed.ManifestPath))!.AsObject();
        manifest["url"] = url.AbsoluteUri;

        await using var service = await RunningService.StartAsync(new Dictionary<string, string>
        {
            ["EdgeLLM:Http:ApiKeys:0"] = Key,
            ["EdgeLLM:Ota:TrustedKeysDir"] = trusted,
        });
        using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/ota") { Content = new ByteArrayContent(TestSigning.Sign(manifest, key)) };
        post.Headers.Authorization = RunningService.Bearer(Key);
        var status = await (await service.Http.SendAsync(post)).Content.ReadAsStringAsync();
        Assert.Contains("\"phase\":\"rejected\"", status);
        Assert.Contains("smoke case", status);
        Assert.Equal("2026.11.22", service.Host.Current!.Model.Identity.Version);
        Assert.Equal(HttpStatusCode.OK, (await service.Http.PostAsync("/v1/completions", RestApiTests.Json(new { prompt = "hi", max_tokens = 2 }))).StatusCode);
    }
}
