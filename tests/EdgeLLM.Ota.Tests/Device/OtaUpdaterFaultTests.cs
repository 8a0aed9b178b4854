using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using EdgeLLM.Ota;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Signing;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Device;

/// <summary>
/// Every way an update can go wrong before the switch: each must end in <c>rejected</c> with the serving model
/// untouched (same link, same files), no new version installed and nothing left in staging.
/// </summary>
public sealed class OtaUpdaterFaultTests : IAsyncLifetime
{
    private OtaTestRig _rig = null!;
    private OtaUpdater _updater = null!;
    private PublishedBundle _serving = null!;

    public async Task InitializeAsync()
    {
        _rig = await OtaTestRig.StartAsync();
        _updater = _rig.CreateUpdater();
        _serving = await _rig.PublishAsync("1.1.0");
        Assert.Equal(OtaPhase.Active, (await _updater.SubmitAsync(_serving.Manifest, CancellationToken.None)).Status.Phase);
        _updater.ConfirmHealthy();
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_manifest_changed_after_signing_is_rejected_before_downloading()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        var tampered = JsonNode.Parse(bundle.Manifest)!.AsObject();
        tampered["rollout"] = new JsonObject { ["percent"] = 100, ["seed"] = "sneaky" };

        var result = await _updater.SubmitAsync(Encoding.UTF8.GetBytes(tampered.ToJsonString()), CancellationToken.None);

        AssertRejected(result, OtaErrorCode.BadSignature, "the manifest was changed after signing or signed with an untrusted key");
        Assert.Equal(0, _rig.Server.RequestsFor(bundle.BundleName));
    }

    [Fact]
    public async Task A_manifest_signed_by_an_untrusted_key_is_rejected()
    {
        var bundle = await _rig.PublishAsync("1.2.0", signer: OtaKeyPair.Generate());

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.BadSignature, "matches none of the 1 trusted key(s)");
        Assert.Equal(0, _rig.Server.RequestsFor(bundle.BundleName));
    }

    [Fact]
    public async Task An_unsigned_manifest_is_rejected()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        var unsigned = JsonNode.Parse(bundle.Manifest)!.AsObject();
        unsigned.Remove("signature");

        var result = await _updater.SubmitAsync(Encoding.UTF8.GetBytes(unsigned.ToJsonString()), CancellationToken.None);

        AssertRejected(result, OtaErrorCode.BadSignature, "not signed");
    }

    [Fact]
    public async Task With_no_trusted_keys_every_manifest_is_rejected()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        File.Delete(Path.Combine(_rig.KeysDirectory, "fleet.pub.pem"));
        File.WriteAllText(Path.Combine(_rig.KeysDirectory, "garbage.pem"), "not a key");

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.BadSignature, "no trusted public keys");
        Assert.Contains("garbage.pem", result.Status.Error);
    }

    [Fact]
    public async Task A_tampered_bundle_fails_the_sha256_check_and_is_discarded()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        var bytes = File.ReadAllBytes(bundle.BundlePath);
        bytes[bytes.Length / 2] ^= 0xFF;
        _rig.Server.Add(bundle.BundleName, bytes);

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.Sha256Mismatch, $"the manifest says {bundle.Sha256}");
        Assert.Empty(Directory.GetFiles(_rig.DownloadsDirectory));
    }

    [Fact]
    public async Task A_bundle_of_another_size_than_the_manifest_says_is_rejected()
    {
        var bundle = await _rig.PublishAsync("1.2.0", m => m["size"] = m["size"]!.GetValue<long>() + 10);

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.SizeMismatch, "the manifest says");
        Assert.Empty(Directory.GetFiles(_rig.DownloadsDirectory));
    }

    [Fact]
    public async Task A_bundle_larger_than_max_bundle_bytes_is_rejected_before_downloading()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        _rig.Options.MaxBundleBytes = 1024;
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.BundleTooLarge, "Ota:MaxBundleBytes = 1024", updater);
        Assert.Equal(0, _rig.Server.RequestsFor(bundle.BundleName));
    }

    [Fact]
    public async Task Server_errors_are_retried_and_then_the_update_is_rejected_keeping_nothing_active()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        _rig.Server.FailNextRequests = 1000;

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.DownloadFailed, "HTTP 500");
        Assert.Equal(_rig.Options.DownloadRetries + 1, _rig.Server.RequestsFor(bundle.BundleName));
    }

    [Fact]
    public async Task A_few_server_errors_are_retried_and_the_update_completes()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        _rig.Server.FailNextRequests = 2;

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, result.Status.Phase);
        Assert.Equal([500, 500, 200], _rig.Server.Requests.Where(r => r.Name == bundle.BundleName).Select(r => r.Status));
    }

    [Fact]
    public async Task A_bundle_whose_model_metadata_names_another_version_than_its_manifest_is_rejected()
    {
        // Packed as 1.2.0 (so its edgellm_model.json says 1.2.0), announced as 1.3.0: the device would report 1.2.0.
        var bundle = await _rig.PublishAsync("1.2.0", m => m["version"] = "1.3.0");

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.MetadataMismatch, "edgellm_model.json names iot-test@1.2.0, the manifest iot-test@1.3.0");
        Assert.Equal("metadata_mismatch", result.Status.Code);
        Assert.DoesNotContain(_rig.Validator.Requests, r => r.Candidate.Version == "1.3.0");
        Assert.False(Directory.Exists(Path.Combine(_rig.StateDirectory, "models", "iot-test", "versions", "1.3.0")));
    }

    [Fact]
    public async Task A_bundle_whose_model_metadata_names_another_model_is_rejected()
    {
        var bundle = _rig.PublishRaw("1.2.0", await CraftedBundle.StartingLikeAModel()
            .File("edgellm_model.json", """{"id":"other-model","version":"1.2.0"}""").BuildAsync());

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.MetadataMismatch, "names other-model@1.2.0, the manifest iot-test@1.2.0");
    }

    [Fact]
    public async Task A_missing_bundle_is_rejected_without_retries()
    {
        var bundle = _rig.PublishRaw("1.2.0", [1, 2, 3]);
        var manifest = JsonNode.Parse(bundle.Manifest)!.AsObject();
        manifest["url"] = new Uri(_rig.Server.BaseAddress, "nope.tar.gz").AbsoluteUri;

        var result = await _updater.SubmitAsync(TestSigning.Sign(manifest, _rig.Key), CancellationToken.None);

        AssertRejected(result, OtaErrorCode.DownloadFailed, "HTTP 404");
        Assert.Equal(1, _rig.Server.RequestsFor("nope.tar.gz"));
    }

    [Fact]
    public async Task A_path_traversal_entry_is_refused()
    {
        var bundle = _rig.PublishRaw("1.2.0", await CraftedBundle.StartingLikeAModel().File("../../escaped.txt", "gotcha").BuildAsync());

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.UnsafeBundle, "entry '../../escaped.txt': contains '..'");
        Assert.False(File.Exists(Path.Combine(_rig.StateDirectory, "ota", "escaped.txt")));
        Assert.False(File.Exists(Path.Combine(_rig.StateDirectory, "escaped.txt")));
    }

    [Fact]
    public async Task An_absolute_path_entry_is_refused()
    {
        var target = Path.Combine(_rig.Root, "absolute-escape.txt");
        var bundle = _rig.PublishRaw("1.2.0", await CraftedBundle.StartingLikeAModel().File(target, "gotcha").BuildAsync());

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.UnsafeBundle, "is an absolute path");
        Assert.False(File.Exists(target));
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "/etc/passwd", "is a symbolic link")]
    [InlineData(TarEntryType.SymbolicLink, "tokenizer.json", "is a symbolic link")]
    [InlineData(TarEntryType.HardLink, "../../../etc/passwd", "is a hard link")]
    [InlineData(TarEntryType.HardLink, "genai_config.json", "is a hard link")]
    [InlineData(TarEntryType.CharacterDevice, null, "is a device node")]
    [InlineData(TarEntryType.BlockDevice, null, "is a device node")]
    [InlineData(TarEntryType.Fifo, null, "is a FIFO")]
    public async Task Links_devices_and_fifos_are_refused(TarEntryType type, string? linkName, string expected)
    {
        var bundle = _rig.PublishRaw("1.2.0", await CraftedBundle.StartingLikeAModel().Entry(type, "weights.bin", linkName).BuildAsync());

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.UnsafeBundle, $"entry 'weights.bin': {expected}");
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_by_the_ratio_cap_before_it_is_written()
    {
        var bomb = await CraftedBundle.StartingLikeAModel().Zeros("model.onnx", 64L << 20).BuildAsync();
        Assert.True(bomb.Length < 200_000, $"the bomb is {bomb.Length} bytes compressed");
        var bundle = _rig.PublishRaw("1.2.0", bomb);

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.UnsafeBundle, "a decompression bomb");
    }

    [Fact]
    public async Task A_bundle_beyond_the_extracted_size_cap_is_refused()
    {
        var bundle = await _rig.PublishAsync("1.2.0", allowRealModel: false);
        _rig.Options.MaxExtractedBytes = 16 * 1024;
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.UnsafeBundle, "more than 16384 bytes (Ota:MaxExtractedBytes)", updater);
    }

    [Fact]
    public async Task A_bundle_with_too_many_entries_is_refused()
    {
        var crafted = CraftedBundle.StartingLikeAModel();
        for (var i = 0; i < 30; i++)
        {
            crafted.File($"shard-{i}.bin", "x");
        }

        var bundle = _rig.PublishRaw("1.2.0", await crafted.BuildAsync());
        _rig.Options.MaxEntries = 20;
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.UnsafeBundle, "more than 20 entries", updater);
    }

    [Fact]
    public async Task A_bundle_without_a_model_is_refused()
    {
        var bundle = _rig.PublishRaw("1.2.0", await new CraftedBundle().File("README.md", "no model here").BuildAsync());

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.UnsafeBundle, "holds no genai_config.json");
    }

    [Fact]
    public async Task A_bundle_that_is_not_a_tar_gz_is_refused()
    {
        var bundle = _rig.PublishRaw("1.2.0", Encoding.UTF8.GetBytes("this is not gzip at all"));

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.UnsafeBundle, "not a gzip-compressed tar archive");
    }

    [Fact]
    public async Task A_model_whose_smoke_test_fails_is_rejected_and_never_switched_to()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        _rig.Validator.Script = _ => OtaValidationResult.Fail("case command-kitchen-lights: expected ids [288, 284] got [288, 17]");

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.SmokeTestFailed, "expected ids [288, 284] got [288, 17]");
        Assert.Equal(["1.1.0"], _rig.Activator.Activated.Select(a => a.Version));
    }

    [Fact]
    public async Task A_model_over_the_memory_budget_is_rejected_with_both_numbers()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        _rig.Validator.Script = _ => OtaValidationResult.OverMemoryBudget(900_000_000, 512_000_000);

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.MemoryBudget, "needs 900000000 bytes (weights + minimum KV cache), the memory budget is 512000000 bytes");
    }

    [Fact]
    public async Task A_validator_that_throws_counts_as_a_failed_smoke_test()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        _rig.Validator.Script = _ => throw new InvalidOperationException("session creation failed: bad graph");

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.SmokeTestFailed, "session creation failed: bad graph");
    }

    [Fact]
    public async Task The_same_version_with_other_bytes_is_a_conflict()
    {
        var conflicting = _rig.PublishRaw("1.1.0", await CraftedBundle.StartingLikeAModel().BuildAsync());

        var result = await _updater.SubmitAsync(conflicting.Manifest, CancellationToken.None);

        AssertRejected(result, OtaErrorCode.VersionConflict, "give the new bundle a new version");
    }

    [Fact]
    public async Task A_failed_hot_swap_switches_back_and_reports_rolled_back()
    {
        var bundle = await _rig.PublishAsync("1.2.0");
        _rig.Activator.Failure = m => m.Version == "1.2.0" ? new InvalidOperationException("out of memory while loading") : null;

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.RolledBack, result.Status.Phase);
        Assert.Equal(OtaErrorCode.ActivationFailed, result.ErrorCode);
        Assert.Contains("out of memory while loading", result.Status.Error);
        Assert.Equal(["1.1.0", "1.2.0", "1.1.0"], _rig.Activator.Activated.Select(a => a.Version));
        _rig.AssertServing(_updater, _serving.SourceDirectory);
        Assert.Equal("../models/iot-test/versions/1.1.0", _rig.CurrentLinkTarget());

        // The same bundle is not tried again automatically (a retained MQTT manifest would otherwise loop).
        var again = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);
        AssertRejected(again, OtaErrorCode.PreviouslyRolledBack, "rolled back on this device before");
    }

    private void AssertRejected(OtaResult result, OtaErrorCode code, string errorPart, OtaUpdater? updater = null)
    {
        updater ??= _updater;
        Assert.Equal(OtaPhase.Rejected, result.Status.Phase);
        Assert.Equal(code, result.ErrorCode);
        Assert.StartsWith(OtaUpdateException.WireName(code) + ": ", result.Status.Error);
        Assert.Contains(errorPart, result.Status.Error);
        Assert.Equal(result.Status, _rig.Status.All[^1]);

        // The serving model is untouched: same link, same files; nothing half-written was installed or left staged.
        Assert.Equal("../models/iot-test/versions/1.1.0", _rig.CurrentLinkTarget());
        _rig.AssertServing(updater, _serving.SourceDirectory);
        Assert.False(Directory.Exists(Path.Combine(_rig.StateDirectory, "models", "iot-test", "versions", "1.2.0")));
        Assert.Null(updater.AwaitingConfirmation ? "unconfirmed" : null);
        Assert.DoesNotContain(Directory.GetFiles(_rig.DownloadsDirectory), f => f.EndsWith(".tar.gz", StringComparison.Ordinal));
    }
}
