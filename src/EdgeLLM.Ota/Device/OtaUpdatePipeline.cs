using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Download;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;
using EdgeLLM.Ota.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Device;

/// <summary>
/// One update, start to end: checks (signature, runtime, rollout, version) → download → verify → stage →
/// test → install → switch → activate. Everything before the switch leaves the serving model untouched and
/// ends in <c>rejected</c>; see <c>docs/OTA.md</c> for why a crash at any step is safe.
/// </summary>
internal sealed class OtaUpdatePipeline(
    OtaOptions options, OtaDeviceContext device, OtaCoordinator coordinator, IOtaModelValidator validator,
    OtaBundleDownloader downloader, OtaFileFetcher fileFetcher, IOtaStepObserver? steps, ILogger logger)
{
    private OtaModelStore Store => coordinator.Store;

    private OtaStatusReporter Status => coordinator.Status;

    /// <param name="manifest">The update.</param>
    /// <param name="manifestJson">Its JSON, journaled while it is pending.</param>
    /// <param name="cancellationToken">Stops everything: the updater is being disposed.</param>
    /// <param name="aborted">Stops the update before its switch (an operator's abort); the switch itself is never cut short.</param>
    public async Task<OtaResult> RunAsync(OtaManifest manifest, string manifestJson, CancellationToken cancellationToken, CancellationToken aborted = default)
    {
        using var beforeSwitch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, aborted);
        var switchToken = cancellationToken;
        cancellationToken = beforeSwitch.Token;
        OtaLog.ManifestReceived(logger, manifest.Model, manifest.Version);
        var downloaded = false;
        try
        {
            var check = OtaPreflight.Check(manifest, options, device, coordinator.Journal, logger);
            if (check.Refusal is { } refusal)
            {
                throw new OtaUpdateException(refusal, check.Reason!);
            }

            if (check.AlreadyActive)
            {
                var active = new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Active, 1, null);
                active = await Status.ReportAsync(active, cancellationToken).ConfigureAwait(false);
                coordinator.ClearPending(manifest);
                return new OtaResult(active, null, false);
            }

            var attempts = coordinator.MarkPending(manifest, manifestJson);
            if (attempts > options.MaxInterruptedAttempts)
            {
                throw new OtaUpdateException(OtaErrorCode.Interrupted,
                    $"started {attempts - 1} times without finishing (crash or power loss each time; Ota:MaxInterruptedAttempts = {options.MaxInterruptedAttempts}); giving up on it");
            }

            Step(OtaStep.Accepted, manifest);
            string bundle, stagingRoot, stagedModel;
            if (manifest.Files is not null)
            {
                // File by file: only what the device does not hold is downloaded. No bundle: SwitchAsync's clean-up of one finds nothing.
                bundle = Store.DownloadPath(manifest);
                (stagingRoot, stagedModel, downloaded) = await FetchFilesAsync(manifest, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                bundle = await DownloadAndVerifyAsync(manifest, cancellationToken).ConfigureAwait(false);
                downloaded = true;
                (stagingRoot, stagedModel) = await StageAsync(manifest, bundle, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                CheckModelInfo(manifest, stagedModel);
                await TestAsync(manifest, stagedModel, cancellationToken).ConfigureAwait(false);
                aborted.ThrowIfCancellationRequested();
                return await coordinator.SwitchAsync(manifest, stagedModel, bundle, step => Step(step, manifest), switchToken).ConfigureAwait(false);
            }
            finally
            {
                DeleteQuietly(stagingRoot);
            }
        }
        catch (OtaUpdateException e)
        {
            OtaLog.UpdateRejected(logger, manifest.Model, manifest.Version, e.ToStatusError());
            coordinator.ClearPending(manifest);
            OtaModelStore.DeleteDownload(Store.DownloadPath(manifest));
            var status = new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Rejected, 0, e.ToStatusError());
            status = await Status.ReportAsync(status, cancellationToken).ConfigureAwait(false);
            return new OtaResult(status, e.Code, downloaded);
        }
    }

    private async Task<string> DownloadAndVerifyAsync(OtaManifest manifest, CancellationToken cancellationToken)
    {
        var bundlePath = Store.DownloadPath(manifest);
        var partPath = bundlePath + ".part";
        if (File.Exists(bundlePath))
        {
            // Verified by an earlier run that was interrupted before installing; check it again all the same.
            var (size, sha256) = await OtaBundlePacker.HashFileAsync(bundlePath, cancellationToken).ConfigureAwait(false);
            if (size == manifest.Size && sha256 == manifest.Sha256)
            {
                return bundlePath;
            }

            File.Delete(bundlePath);
        }

        await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Downloading, 0, null), cancellationToken).ConfigureAwait(false);
        for (var fresh = false; ; fresh = true)
        {
            OtaDownloadResult download;
            try
            {
                download = await downloader.DownloadAsync(manifest.Url!, manifest.Size, manifest.Sha256, partPath,
                    (bytes, ct) =>
                    {
                        Step(OtaStep.Downloading, manifest);
                        return Status.ReportProgressAsync(manifest, OtaPhase.Downloading, (double)bytes / manifest.Size, ct);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OtaDownloadException e)
            {
                if (e.IsSizeMismatch || e.IsStorageError)
                {
                    // Useless (wrong bundle) or in the way (a full disk): free the space.
                    OtaModelStore.DeleteDownload(partPath);
                }

                var code = e.IsSizeMismatch ? OtaErrorCode.SizeMismatch : e.IsStorageError ? OtaErrorCode.StorageError : OtaErrorCode.DownloadFailed;
                throw new OtaUpdateException(code, e.Message, e);
            }
            catch (IOException e)
            {
                throw new OtaUpdateException(OtaErrorCode.StorageError, $"writing {partPath}: {e.Message}", e);
            }

            Step(OtaStep.Downloaded, manifest);
            await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Verifying, 0, null), cancellationToken).ConfigureAwait(false);
            var (size, sha256) = await OtaBundlePacker.HashFileAsync(partPath, cancellationToken).ConfigureAwait(false);
            if (size != manifest.Size)
            {
                OtaModelStore.DeleteDownload(partPath);
                throw new OtaUpdateException(OtaErrorCode.SizeMismatch, $"the bundle is {size} bytes, the manifest says {manifest.Size}");
            }

            if (sha256 != manifest.Sha256)
            {
                OtaModelStore.DeleteDownload(partPath);
                if (download.ResumedFromBytes > 0 && !fresh)
                {
                    // The kept part may predate a power loss that lost its tail; one clean download decides.
                    OtaLog.DownloadRestarted(logger, manifest.UrlText, "the resumed bundle's SHA-256 did not match");
                    continue;
                }

                throw new OtaUpdateException(OtaErrorCode.Sha256Mismatch, $"the bundle's SHA-256 is {sha256}, the manifest says {manifest.Sha256}");
            }

            Status.RecordTransfer(manifest, manifest.Size - download.ResumedFromBytes, 0);
            DurableFileSystem.Rename(partPath, bundlePath);
            DurableFileSystem.TryDelete(partPath + ".json");
            DurableFileSystem.FsyncDirectory(Store.DownloadsDirectory);
            await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Verifying, 1, null), cancellationToken).ConfigureAwait(false);
            return bundlePath;
        }
    }

    private async Task<(string StagingRoot, string ModelDirectory)> StageAsync(OtaManifest manifest, string bundle, CancellationToken cancellationToken)
    {
        await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Staging, 0, null), cancellationToken).ConfigureAwait(false);
        var stagingRoot = Store.NewStagingPath(manifest);
        try
        {
            var modelDirectory = await OtaBundleExtractor.ExtractAsync(bundle, stagingRoot, options.BundleLimits,
                (_, fraction) =>
                {
                    Step(OtaStep.StagedFile, manifest);
                    return Status.ReportProgressAsync(manifest, OtaPhase.Staging, fraction, cancellationToken);
                },
                cancellationToken).ConfigureAwait(false);
            Step(OtaStep.Staged, manifest);
            await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Staging, 1, null), cancellationToken).ConfigureAwait(false);
            return (stagingRoot, modelDirectory);
        }
        catch (Exception e) when (e is UnsafeBundleException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(stagingRoot);
            OtaModelStore.DeleteDownload(bundle);
            throw e switch
            {
                UnsafeBundleException => new OtaUpdateException(OtaErrorCode.UnsafeBundle, e.Message, e),
                InvalidDataException => new OtaUpdateException(OtaErrorCode.UnsafeBundle, $"not a gzip-compressed tar archive: {e.Message}", e),
                _ => new OtaUpdateException(OtaErrorCode.StorageError, $"extracting into {Store.StagingDirectory}: {e.Message}", e),
            };
        }
    }

    /// <summary>Builds the staged model from the manifest's <c>files</c>, reusing files of the versions on the device.</summary>
    private async Task<(string StagingRoot, string ModelDirectory, bool Downloaded)> FetchFilesAsync(OtaManifest manifest, CancellationToken cancellationToken)
    {
        await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Downloading, 0, null), cancellationToken).ConfigureAwait(false);
        var stagingRoot = Store.NewStagingPath(manifest);
        var modelDirectory = Path.Combine(stagingRoot, "model");
        var journal = coordinator.Journal;
        List<string> sources = [.. new[] { coordinator.Active?.Directory, journal.Previous is { Builtin: false, Directory: { } previous } ? Store.FullPath(previous) : null,
            device.DefaultModel?.Directory }.OfType<string>()];
        try
        {
            var result = await fileFetcher.FetchAsync(manifest, modelDirectory, Store.FilesDownloadDirectory(manifest), sources,
                (fraction, ct) =>
                {
                    Step(OtaStep.Downloading, manifest);
                    return Status.ReportProgressAsync(manifest, OtaPhase.Downloading, fraction, ct);
                },
                cancellationToken).ConfigureAwait(false);
            Status.RecordTransfer(manifest, result.DownloadedBytes, result.ReusedBytes);
            Step(OtaStep.Downloaded, manifest);
            Step(OtaStep.Staged, manifest);
            await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Verifying, 1, null), cancellationToken).ConfigureAwait(false);
            DeleteQuietly(Store.FilesDownloadDirectory(manifest));
            return (stagingRoot, modelDirectory, result.DownloadedFiles > 0);
        }
        catch (Exception e) when (e is OtaUpdateException or IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(stagingRoot);
            throw e as OtaUpdateException ?? new OtaUpdateException(OtaErrorCode.StorageError, $"staging into {stagingRoot}: {e.Message}", e);
        }
    }

    /// <summary>The version served and reported everywhere is read from the model's own metadata: it must be the manifest's.</summary>
    private static void CheckModelInfo(OtaManifest manifest, string stagedModel)
    {
        string? mismatch;
        try
        {
            mismatch = OtaModelInfo.Reconcile(stagedModel, manifest.Model, manifest.Version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OtaUpdateException(OtaErrorCode.StorageError, $"writing {OtaBundlePacker.ModelInfoFile} into {stagedModel}: {e.Message}", e);
        }

        if (mismatch is not null)
        {
            throw new OtaUpdateException(OtaErrorCode.MetadataMismatch, mismatch);
        }
    }

    private async Task TestAsync(OtaManifest manifest, string stagedModel, CancellationToken cancellationToken)
    {
        await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Testing, 0, null), cancellationToken).ConfigureAwait(false);
        var request = new OtaValidationRequest(new OtaInstalledModel(manifest.Model, manifest.Version, stagedModel), coordinator.Active);
        OtaValidationResult result;
        try
        {
            result = await validator.ValidateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new OtaUpdateException(OtaErrorCode.SmokeTestFailed, $"the model could not be tested: {e.Message}", e);
        }

        if (!result.Passed)
        {
            throw new OtaUpdateException(result.IsMemoryBudgetFailure ? OtaErrorCode.MemoryBudget : OtaErrorCode.SmokeTestFailed, result.Reason);
        }

        await Status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Testing, 1, null), cancellationToken).ConfigureAwait(false);
    }

    private void Step(OtaStep step, OtaManifest manifest) => steps?.OnStep(step, manifest);

    private void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OtaLog.CleanupFailed(logger, directory, e);
        }
    }
}
