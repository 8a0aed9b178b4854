using EdgeLLM.Ota;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Device;

/// <summary>The state directory on a 2 MB tmpfs: a full disk during staging or download must leave the serving model intact.</summary>
public sealed class OtaDiskFullTests : IAsyncLifetime
{
    private OtaTestRig _rig = null!;
    private TmpfsMount _mount = null!;
    private OtaUpdater _updater = null!;
    private PublishedBundle _serving = null!;

    public async Task InitializeAsync()
    {
        _rig = await OtaTestRig.StartAsync();
        _mount = TmpfsMount.Create(_rig.StateDirectory, "2m");
        _rig.Options.MaxCompressionRatio = 1_000_000;
        _updater = _rig.CreateUpdater();
        _serving = await _rig.PublishAsync("1.1.0", allowRealModel: false);
        Assert.Equal(OtaPhase.Active, (await _updater.SubmitAsync(_serving.Manifest, CancellationToken.None)).Status.Phase);
        _updater.ConfirmHealthy();
    }

    public async Task DisposeAsync()
    {
        await _updater.DisposeAsync();
        _mount.Dispose();
        await _rig.DisposeAsync();
    }

    [Fact]
    public async Task Running_out_of_space_while_staging_is_rejected_and_cleaned_up()
    {
        // A small bundle (highly compressible) that extracts to 4 MB: the download fits, the extraction does not.
        var bundle = await _rig.PublishAsync("1.2.0", allowRealModel: false, editPack: request =>
        {
            File.WriteAllText(Path.Combine(request.ModelDirectory, "model.onnx.data"), string.Concat(Enumerable.Repeat("0123456789abcdef", 256 * 1024)));
            return request;
        });
        Assert.True(new FileInfo(bundle.BundlePath).Length < 512 * 1024);

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejectedForStorage(result);
        Assert.Contains("extracting into", result.Status.Error);
        Assert.Contains(_rig.Status.Phases, p => p == OtaPhase.Staging);
    }

    [Fact]
    public async Task Running_out_of_space_while_downloading_is_rejected_and_the_partial_file_removed()
    {
        var bundle = await _rig.PublishAsync("1.2.0", weightBytes: 3 << 20, allowRealModel: false);

        var result = await _updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        AssertRejectedForStorage(result);
        Assert.Contains("writing ", result.Status.Error);
        Assert.Single(await _rig.Server.WaitForRequestsAsync(2), r => r.Name == bundle.BundleName); // not retried
        Assert.Empty(Directory.GetFiles(_rig.DownloadsDirectory));
    }

    private void AssertRejectedForStorage(OtaResult result)
    {
        Assert.Equal(OtaPhase.Rejected, result.Status.Phase);
        Assert.Equal(OtaErrorCode.StorageError, result.ErrorCode);
        // ENOSPC, as the OS reports it on a write, or as .NET reports it when preallocating the file.
        Assert.Matches("No space left on device|the disk was full", result.Status.Error);
        Assert.Equal("../models/iot-test/versions/1.1.0", _rig.CurrentLinkTarget());
        _rig.AssertServing(_updater, _serving.SourceDirectory);
        Assert.False(Directory.Exists(Path.Combine(_rig.StateDirectory, "models", "iot-test", "versions", "1.2.0")));

        // The space is given back: the next (smaller) update still fits.
        var free = new DriveInfo(_rig.StateDirectory).AvailableFreeSpace;
        Assert.True(free > 1 << 20, $"only {free} bytes free after cleaning up");
    }
}
