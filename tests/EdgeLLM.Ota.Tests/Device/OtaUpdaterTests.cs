using EdgeLLM.Ota;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Device;

public sealed class OtaUpdaterTests : IAsyncLifetime
{
    private OtaTestRig _rig = null!;

    public async Task InitializeAsync() => _rig = await OtaTestRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Fresh_device_serves_the_embedded_default_model()
    {
        var updater = _rig.CreateUpdater();

        var directory = await updater.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        Assert.Equal(_rig.DefaultModel.Directory, directory);
        Assert.Null(_rig.CurrentLinkTarget());
    }

    [Fact]
    public async Task Start_up_removes_staging_trash_temporary_files_and_stale_downloads()
    {
        var ota = Path.Combine(_rig.StateDirectory, "ota");
        Directory.CreateDirectory(Path.Combine(ota, "staging", "iot-test-9-abc"));
        File.WriteAllText(Path.Combine(ota, "staging", "iot-test-9-abc", "model.onnx"), "half");
        Directory.CreateDirectory(Path.Combine(ota, "trash", "old"));
        Directory.CreateDirectory(Path.Combine(ota, "downloads"));
        File.WriteAllText(Path.Combine(ota, "downloads", "iot-test-9.tar.gz.part"), "partial");
        File.CreateSymbolicLink(Path.Combine(ota, ".current.0123.tmp"), "../models/iot-test/versions/9");
        var updater = _rig.CreateUpdater();

        await updater.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(ota, "staging")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(ota, "trash")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(ota, "downloads")));
        Assert.Empty(Directory.GetFileSystemEntries(ota, ".*.tmp"));
    }

    [Fact]
    public async Task Signed_update_goes_through_every_phase_and_switches_to_the_new_version()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var updater = _rig.CreateUpdater();
        await updater.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, result.Status.Phase);
        Assert.Null(result.Status.Error);
        Assert.True(result.Downloaded);
        var phases = _rig.Status.Phases.Distinct().ToList();
        Assert.Equal([OtaPhase.Downloading, OtaPhase.Verifying, OtaPhase.Staging, OtaPhase.Testing, OtaPhase.Active], phases);
        _rig.AssertServing(updater, bundle.SourceDirectory);
        Assert.Equal("../models/iot-test/versions/1.1.0", _rig.CurrentLinkTarget());
        var activated = Assert.Single(_rig.Activator.Activated);
        Assert.Equal("1.1.0", activated.Version);
        Assert.Equal(Path.Combine(_rig.StateDirectory, "models", "iot-test", "versions", "1.1.0"), activated.Directory);
        var validated = Assert.Single(_rig.Validator.Requests);
        Assert.Equal(_rig.DefaultModel, validated.Serving);
        Assert.Empty(Directory.GetFiles(_rig.DownloadsDirectory));
        Assert.True(updater.AwaitingConfirmation);
    }

    [Fact]
    public async Task A_bundle_without_model_metadata_is_installed_naming_the_manifests_model_and_version()
    {
        var bundle = _rig.PublishRaw("1.4.0", await CraftedBundle.StartingLikeAModel().File("model.onnx", "weights").BuildAsync());
        var staged = Path.Combine(_rig.SourcesDirectory, "crafted-1.4.0");
        Directory.CreateDirectory(staged);
        File.WriteAllText(Path.Combine(staged, "genai_config.json"), "{\"model\":{\"type\":\"llama\"}}");
        File.WriteAllText(Path.Combine(staged, "model.onnx"), "weights");
        File.WriteAllText(Path.Combine(staged, "edgellm_model.json"), "{\n  \"id\": \"iot-test\",\n  \"version\": \"1.4.0\"\n}\n");
        _rig.Validator.RegisterSource("1.4.0", staged);
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, result.Status.Phase);
        var installed = EdgeLLM.Runtime.Models.ModelIdentity.Read(updater.ActiveModel!.Directory);
        Assert.Equal(("iot-test", "1.4.0"), (installed.Id, installed.Version));
    }

    [Fact]
    public async Task A_restart_after_confirmation_serves_the_new_version()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var first = _rig.CreateUpdater();
        await first.SubmitAsync(bundle.Manifest, CancellationToken.None);
        Assert.True(first.ConfirmHealthy());
        Assert.False(first.ConfirmHealthy());
        await first.DisposeAsync();

        var restarted = _rig.CreateUpdater();
        var directory = await restarted.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        Assert.NotNull(directory);
        TestModelDirectory.AssertSameFiles(bundle.SourceDirectory, directory);
        Assert.DoesNotContain(_rig.Status.Phases, p => p == OtaPhase.RolledBack);
    }

    [Fact]
    public async Task Status_json_has_exactly_the_contract_fields_and_the_code_and_transfer_extensions()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var updater = _rig.CreateUpdater();

        await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        using var json = System.Text.Json.JsonDocument.Parse(_rig.Status.All[^1].ToJson());
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["model", "version", "phase", "progress", "error", "code", "downloaded_bytes", "reused_bytes"], names);
        Assert.Equal(new FileInfo(bundle.BundlePath).Length, json.RootElement.GetProperty("downloaded_bytes").GetInt64());
        Assert.Equal("active", json.RootElement.GetProperty("phase").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("progress").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.RootElement.GetProperty("error").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.RootElement.GetProperty("code").ValueKind);
    }

    [Fact]
    public async Task The_same_manifest_twice_is_a_no_op_that_reports_active_and_downloads_nothing()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var updater = _rig.CreateUpdater();
        await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);
        var requestsAfterFirst = _rig.Server.RequestsFor(bundle.BundleName);

        var again = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, again.Status.Phase);
        Assert.False(again.Downloaded);
        Assert.Equal(requestsAfterFirst, _rig.Server.RequestsFor(bundle.BundleName));
        Assert.Single(_rig.Activator.Activated);
        Assert.Single(_rig.Validator.Requests);
    }

    [Fact]
    public async Task A_manifest_sent_again_as_soon_as_its_run_answers_is_a_new_no_op_not_the_finished_run()
    {
        // The run answers its caller before its worker moves the queue on: a resend in that gap once joined the finished
        // run and got its result (downloaded) back. Resent at once, many times, each is its own no-op.
        var bundle = await _rig.PublishAsync("1.1.0");
        var updater = _rig.CreateUpdater();
        Assert.True((await updater.SubmitAsync(bundle.Manifest, CancellationToken.None)).Downloaded);
        for (var i = 0; i < 200; i++)
        {
            var again = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);
            Assert.Equal(OtaPhase.Active, again.Status.Phase);
            Assert.False(again.Downloaded, $"resend {i} joined the finished run");
        }
        Assert.Single(_rig.Activator.Activated);
    }

    [Fact]
    public async Task A_manifest_for_the_embedded_default_version_is_a_no_op()
    {
        // The default is iot-test@1.0.0; a bundle of that version needs nothing downloaded.
        var bundle = await _rig.PublishAsync("1.0.0");
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, result.Status.Phase);
        Assert.Equal(0, _rig.Server.RequestsFor(bundle.BundleName));
    }

    [Fact]
    public async Task An_older_version_is_refused_without_allow_downgrade()
    {
        var newer = await _rig.PublishAsync("1.10.0");
        var older = await _rig.PublishAsync("1.9.0");
        var updater = _rig.CreateUpdater();
        await updater.SubmitAsync(newer.Manifest, CancellationToken.None);

        var result = await updater.SubmitAsync(older.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Rejected, result.Status.Phase);
        Assert.Equal(OtaErrorCode.DowngradeRefused, result.ErrorCode);
        Assert.StartsWith("downgrade_refused: 1.9.0 is older than the active 1.10.0", result.Status.Error);
        Assert.Equal(0, _rig.Server.RequestsFor(older.BundleName));
        _rig.AssertServing(updater, newer.SourceDirectory);
    }

    [Fact]
    public async Task An_older_version_is_installed_when_the_manifest_allows_downgrade()
    {
        var newer = await _rig.PublishAsync("1.10.0");
        var older = await _rig.PublishAsync("1.9.0", m => m["allow_downgrade"] = true);
        var updater = _rig.CreateUpdater();
        await updater.SubmitAsync(newer.Manifest, CancellationToken.None);
        updater.ConfirmHealthy();

        var result = await updater.SubmitAsync(older.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, result.Status.Phase);
        _rig.AssertServing(updater, older.SourceDirectory);
    }

    [Fact]
    public async Task A_device_outside_the_rollout_reports_so_and_downloads_nothing()
    {
        // Find a seed that puts this device above 30 % and one that puts it below, computed by the selector under test
        // and checked independently in RolloutSelectorTests.
        var outside = Enumerable.Range(0, 1000).Select(i => $"wave-{i}").First(s => RolloutSelector.Bucket(_rig.DeviceId, s) >= 30);
        var bundle = await _rig.PublishAsync("1.1.0", m => m["rollout"] = new System.Text.Json.Nodes.JsonObject { ["percent"] = 30, ["seed"] = outside });
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Rejected, result.Status.Phase);
        Assert.Equal(OtaErrorCode.NotInRollout, result.ErrorCode);
        Assert.Contains($"device '{_rig.DeviceId}' is in bucket", result.Status.Error);
        Assert.Contains("nothing was downloaded", result.Status.Error);
        using (var json = System.Text.Json.JsonDocument.Parse(result.Status.ToJson()))
        {
            Assert.Equal("not_in_rollout", json.RootElement.GetProperty("code").GetString());
        }

        Assert.Equal(0, _rig.Server.RequestsFor(bundle.BundleName));
        Assert.Equal(_rig.DefaultModel, updater.ActiveModel);
    }

    [Fact]
    public async Task A_device_inside_the_rollout_installs_the_update()
    {
        var inside = Enumerable.Range(0, 1000).Select(i => $"wave-{i}").First(s => RolloutSelector.Bucket(_rig.DeviceId, s) < 30);
        var bundle = await _rig.PublishAsync("1.1.0", m => m["rollout"] = new System.Text.Json.Nodes.JsonObject { ["percent"] = 30, ["seed"] = inside });
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, result.Status.Phase);
    }

    [Fact]
    public async Task A_manifest_needing_a_newer_runtime_is_rejected()
    {
        var bundle = await _rig.PublishAsync("1.1.0", editPack: r => r with { MinRuntime = "0.2.0" });
        _rig.RuntimeVersion = "0.1.9";
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaErrorCode.RuntimeTooOld, result.ErrorCode);
        Assert.Equal("runtime_too_old: needs EdgeLLM 0.2.0 or newer, this is 0.1.9", result.Status.Error);
    }

    [Fact]
    public async Task Versions_beyond_keep_versions_are_pruned_after_confirmation_and_the_previous_is_kept()
    {
        var updater = _rig.CreateUpdater();
        foreach (var version in new[] { "1.1.0", "1.2.0", "1.3.0" })
        {
            var bundle = await _rig.PublishAsync(version);
            Assert.Equal(OtaPhase.Active, (await updater.SubmitAsync(bundle.Manifest, CancellationToken.None)).Status.Phase);
            updater.ConfirmHealthy();
        }

        await updater.DisposeAsync(); // waits for the background pruning
        var versions = Directory.GetDirectories(Path.Combine(_rig.StateDirectory, "models", "iot-test", "versions"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["1.2.0", "1.3.0"], versions);
    }

    [Fact]
    public async Task An_invalid_manifest_is_rejected_naming_the_field()
    {
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync("""{"model":"iot-test","version":"2.0","url":"http://x/b.tar.gz","sha256":"00","size":5}"""u8.ToArray(), CancellationToken.None);

        Assert.Equal(OtaErrorCode.InvalidManifest, result.ErrorCode);
        Assert.Equal("iot-test", result.Status.Model);
        Assert.Equal("2.0", result.Status.Version);
        Assert.Equal("invalid_manifest: manifest field 'sha256': must be 64 hexadecimal digits", result.Status.Error);
    }

    [Fact]
    public async Task A_second_manifest_while_one_runs_waits_and_a_newer_one_supersedes_it()
    {
        var first = await _rig.PublishAsync("1.1.0", weightBytes: 256 * 1024, allowRealModel: false);
        var middle = await _rig.PublishAsync("1.2.0");
        var last = await _rig.PublishAsync("1.3.0");
        _rig.Server.BytesPerSecond = 512 * 1024;
        var updater = _rig.CreateUpdater();
        await updater.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        var running = updater.SubmitAsync(first.Manifest, CancellationToken.None);
        await _rig.Status.WaitForAsync(s => s.Phase == OtaPhase.Downloading, TimeSpan.FromSeconds(10));
        var superseded = updater.SubmitAsync(middle.Manifest, CancellationToken.None);
        var duplicate = updater.SubmitAsync(first.Manifest, CancellationToken.None);
        var latest = updater.SubmitAsync(last.Manifest, CancellationToken.None);

        Assert.Equal(OtaErrorCode.Superseded, (await superseded).ErrorCode);
        Assert.Equal(OtaPhase.Active, (await running).Status.Phase);
        Assert.Same(await running, await duplicate);
        Assert.Equal(OtaPhase.Active, (await latest).Status.Phase);
        Assert.Equal(0, _rig.Server.RequestsFor(middle.BundleName));
        Assert.Equal(["1.1.0", "1.3.0"], _rig.Activator.Activated.Select(a => a.Version));
        _rig.AssertServing(updater, last.SourceDirectory);
    }
}
