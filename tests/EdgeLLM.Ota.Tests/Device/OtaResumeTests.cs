using EdgeLLM.Ota;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Device;

public sealed class OtaResumeTests : IAsyncLifetime
{
    private OtaTestRig _rig = null!;

    public async Task InitializeAsync() => _rig = await OtaTestRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_3_MB_download_at_1_MB_per_s_cut_twice_completes_with_a_single_verified_bundle()
    {
        var bundle = await _rig.PublishAsync("2.0.0", weightBytes: 3 << 20, allowRealModel: false);
        var size = new FileInfo(bundle.BundlePath).Length;
        Assert.InRange(size, 3_000_000, 3_300_000);
        _rig.Server.BytesPerSecond = 1 << 20;
        _rig.Server.CutAfterBytes.Enqueue(800_000);
        _rig.Server.CutAfterBytes.Enqueue(1_000_000);
        var downloads = new List<string[]>();
        var updater = _rig.CreateUpdater(new StepProbe(OtaStep.Staged, () => downloads.Add(Directory.GetFiles(_rig.DownloadsDirectory))));

        var result = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        Assert.Equal(OtaPhase.Active, result.Status.Phase);
        var requests = await _rig.Server.WaitForRequestsAsync(3);
        Assert.Equal([200, 206, 206], requests.Select(r => r.Status));
        Assert.Equal("", requests[0].Range);
        Assert.All(requests.Skip(1), r => Assert.Matches("^bytes=[1-9][0-9]*-$", r.Range));

        // While staging, the downloads folder held exactly one file: the verified bundle, byte-identical to the published one.
        var listing = Assert.Single(downloads);
        var verified = Assert.Single(listing);
        Assert.Equal(Path.Combine(_rig.DownloadsDirectory, bundle.BundleName), verified);
        _rig.AssertServing(updater, bundle.SourceDirectory);
        Assert.Empty(Directory.GetFiles(_rig.DownloadsDirectory));

        // Progress came in steps of at least 5 % and never went backwards.
        var progress = _rig.Status.All.Where(s => s.Phase == OtaPhase.Downloading).Select(s => s.Progress).ToList();
        Assert.Equal(progress.Order(), progress);
        Assert.InRange(progress.Count, 3, 22);
        Assert.Equal(1.0, progress[^1]);
    }

    [Fact]
    public async Task A_download_interrupted_by_a_shutdown_resumes_from_the_part_file_after_the_restart()
    {
        var bundle = await _rig.PublishAsync("2.0.0", weightBytes: 1 << 20, allowRealModel: false);
        _rig.Server.BytesPerSecond = 2 << 20;
        var first = _rig.CreateUpdater();
        var running = first.SubmitAsync(bundle.Manifest, CancellationToken.None);
        await _rig.Status.WaitForAsync(s => s.Phase == OtaPhase.Downloading && s.Progress >= 0.2, TimeSpan.FromSeconds(10));
        await first.DisposeAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var kept = new FileInfo(Path.Combine(_rig.DownloadsDirectory, bundle.BundleName + ".part")).Length;
        Assert.InRange(kept, 1, new FileInfo(bundle.BundlePath).Length - 1);
        _rig.Server.BytesPerSecond = 0;

        var restarted = _rig.CreateUpdater();
        Assert.Equal(_rig.DefaultModel.Directory, await restarted.ResolveActiveModelDirectoryAsync(CancellationToken.None));
        var result = await restarted.ResumeInterruptedAsync(CancellationToken.None);

        Assert.NotNull(result);
        Assert.Equal(OtaPhase.Active, result.Status.Phase);
        var requests = await _rig.Server.WaitForRequestsAsync(2);
        Assert.Equal(2, requests.Count);
        var resumed = Assert.Single(requests, r => r.Status == 206);
        Assert.Equal($"bytes={kept}-", resumed.Range);
        _rig.AssertServing(restarted, bundle.SourceDirectory);
        Assert.Null(await restarted.ResumeInterruptedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_update_interrupted_more_than_max_interrupted_attempts_is_given_up()
    {
        var bundle = await _rig.PublishAsync("2.0.0", weightBytes: 1 << 20, allowRealModel: false);
        _rig.Options.MaxInterruptedAttempts = 2;
        _rig.Server.BytesPerSecond = 256 * 1024;
        for (var start = 1; start <= 2; start++)
        {
            var updater = _rig.CreateUpdater();
            var running = start == 1
                ? (Task)updater.SubmitAsync(bundle.Manifest, CancellationToken.None)
                : updater.ResumeInterruptedAsync(CancellationToken.None);
            var downloadStarts = start;
            await _rig.Status.WaitForAsync(_ => _rig.Status.All.Count(x => x.Phase == OtaPhase.Downloading && x.Progress == 0) == downloadStarts, TimeSpan.FromSeconds(10));
            await updater.DisposeAsync(); // the service stops in the middle of the update
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        }

        var third = _rig.CreateUpdater();
        var result = await third.ResumeInterruptedAsync(CancellationToken.None);

        Assert.NotNull(result);
        Assert.Equal(OtaErrorCode.Interrupted, result.ErrorCode);
        Assert.Equal("interrupted: started 2 times without finishing (crash or power loss each time; Ota:MaxInterruptedAttempts = 2); giving up on it", result.Status.Error);
        Assert.Equal(_rig.DefaultModel, third.ActiveModel);
        Assert.Null(await third.ResumeInterruptedAsync(CancellationToken.None));
    }

    private sealed class StepProbe(OtaStep step, Action action) : IOtaStepObserver
    {
        public void OnStep(OtaStep reached, OtaManifest manifest)
        {
            if (reached == step)
            {
                action();
            }
        }
    }
}
