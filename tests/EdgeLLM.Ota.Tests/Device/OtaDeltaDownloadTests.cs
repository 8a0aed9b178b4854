using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Device;

/// <summary>
/// Manifests that list their files (<c>ota pack --files-url</c>): a device reuses the files it holds by size and
/// SHA-256 and downloads only the others, each alone.
/// </summary>
public sealed class OtaDeltaDownloadTests : IAsyncLifetime
{
    private OtaTestRig _rig = null!;

    public async Task InitializeAsync() => _rig = await OtaTestRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_version_that_changes_only_its_weights_downloads_only_the_weights_and_its_version_identity()
    {
        var source = NewVersionChangingWeights("1.1.0", _rig.DefaultModel.Directory);
        var (bundle, packed) = await PublishFilesAsync("1.1.0", source);
        var weights = new FileInfo(Path.Combine(source, "model.onnx")).Length;
        var identity = new FileInfo(Path.Combine(source, OtaBundlePacker.ModelInfoFile)).Length;
        var everything = Directory.GetFiles(source, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, result.Status.Phase);
        Assert.Equal((weights + identity, everything - weights - identity), (result.Status.DownloadedBytes, result.Status.ReusedBytes));
        Assert.Contains($"\"downloaded_bytes\":{weights + identity},\"reused_bytes\":{everything - weights - identity}", result.Status.ToJson());
        var fetched = _rig.Server.Requests.Where(r => r.Status is 200 or 206).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"iot-test-1.1.0/{OtaBundlePacker.ModelInfoFile}", "iot-test-1.1.0/model.onnx"], fetched);
        TestModelDirectory.AssertSameFiles(source, updater.ActiveModel!.Directory);
        Assert.Empty(Directory.GetFileSystemEntries(_rig.DownloadsDirectory));

        // The pack's report against the previous version says the same.
        Assert.Equal([OtaBundlePacker.ModelInfoFile, "model.onnx"], packed.Delta!.ChangedFiles);
        Assert.Equal(weights + identity, packed.Delta.ChangedBytes);

        // And the next version reuses the active version's files, not only the embedded default's.
        var next = NewVersionChangingWeights("1.2.0", source, byteToFlip: 1);
        var (nextBundle, _) = await PublishFilesAsync("1.2.0", next);
        var second = await updater.SubmitAsync(nextBundle.Manifest, CancellationToken.None);
        Assert.Equal(OtaPhase.Active, second.Status.Phase);
        Assert.Equal(everything - weights - identity, second.Status.ReusedBytes);
        TestModelDirectory.AssertSameFiles(next, updater.ActiveModel!.Directory);
    }

    [Fact]
    public async Task A_downloaded_file_that_does_not_match_its_sha256_is_refused_and_nothing_switches()
    {
        var source = NewVersionChangingWeights("1.1.0", _rig.DefaultModel.Directory);
        var (bundle, _) = await PublishFilesAsync("1.1.0", source);
        _rig.Server.Add("iot-test-1.1.0/model.onnx", new byte[new FileInfo(Path.Combine(source, "model.onnx")).Length]);
        var updater = _rig.CreateUpdater();

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal((OtaPhase.Rejected, OtaErrorCode.Sha256Mismatch), (result.Status.Phase, result.ErrorCode));
        Assert.Contains("file model.onnx", result.Status.Error);
        Assert.Equal(_rig.DefaultModel, updater.ActiveModel);
        _rig.AssertNoStagingLeftovers();
    }

    /// <summary>A copy of <paramref name="from"/> with new weights and its own version identity.</summary>
    private string NewVersionChangingWeights(string version, string from, int byteToFlip = 0)
    {
        var directory = Path.Combine(_rig.SourcesDirectory, version);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var weights = File.ReadAllBytes(Path.Combine(directory, "model.onnx"));
        weights[byteToFlip] ^= 0xFF;
        File.WriteAllBytes(Path.Combine(directory, "model.onnx"), weights);
        File.WriteAllText(Path.Combine(directory, OtaBundlePacker.ModelInfoFile), $$"""{"id":"{{TestModelDirectory.ModelId}}","version":"{{version}}"}""");
        _rig.Validator.RegisterSource(version, directory);
        return directory;
    }

    private async Task<(PublishedBundle Bundle, OtaPackResult Packed)> PublishFilesAsync(string version, string source)
    {
        OtaPackResult? packed = null;
        var bundle = await _rig.PublishAsync(version, editPack: r => r with { FilesUrl = _rig.Server.BaseAddress.AbsoluteUri, Against = _rig.DefaultModel.Directory },
            onPacked: p => packed = p);
        foreach (var file in Directory.GetFiles(packed!.FilesDirectory!, "*", SearchOption.AllDirectories))
        {
            _rig.Server.Add($"iot-test-{version}/" + Path.GetRelativePath(packed.FilesDirectory!, file).Replace('\\', '/'), File.ReadAllBytes(file));
        }

        return (bundle, packed);
    }
}
