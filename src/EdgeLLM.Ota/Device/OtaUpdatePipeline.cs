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
internal sealed class OtaUpdatePipeline
{
    private readonly OtaOptions _options;
    private readonly OtaDeviceContext _device;
    private readonly OtaModelStore _store;
    private readonly OtaModelSwitcher _switcher;
    private readonly OtaStatusReporter _status;
    private readonly IOtaModelValidator _validator;
    private readonly IOtaModelActivator _activator;
    private readonly OtaBundleDownloader _downloader;
    private readonly IOtaStepObserver? _steps;
    private readonly Action<OtaStateEntry, TimeSpan> _armConfirmTimer;
    private readonly ILogger _logger;

    public OtaUpdatePipeline(
        OtaOptions options, OtaDeviceContext device, OtaModelStore store, OtaModelSwitcher switcher, OtaStatusReporter status,
        IOtaModelValidator validator, IOtaModelActivator activator, OtaBundleDownloader downloader, IOtaStepObserver? steps,
        Action<OtaStateEntry, TimeSpan> armConfirmTimer, ILogger logger)
    {
        _options = options;
        _device = device;
        _store = store;
        _switcher = switcher;
        _status = status;
        _validator = validator;
        _activator = activator;
        _downloader = downloader;
        _steps = steps;
        _armConfirmTimer = armConfirmTimer;
        _logger = logger;
    }

    public async Task<OtaResult> RunAsync(OtaManifest manifest, string manifestJson, CancellationToken cancellationToken)
    {
        OtaLog.ManifestReceived(_logger, manifest.Model, manifest.Version);
        var downloaded = false;
        try
        {
            if (CheckIsAlreadyActive(manifest))
            {
                var active = new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Active, 1, null);
                await _status.ReportAsync(active, cancellationToken).ConfigureAwait(false);
                ClearPendingQuietly(manifest);
                return new OtaResult(active, null, false);
            }

            var attempts = _switcher.MarkPending(manifest, manifestJson);
            if (attempts > _options.MaxInterruptedAttempts)
            {
                throw new OtaUpdateException(OtaErrorCode.Interrupted,
                    $"started {attempts - 1} times without finishing (crash or power loss each time; Ota:MaxInterruptedAttempts = {_options.MaxInterruptedAttempts}); giving up on it");
            }

            Step(OtaStep.Accepted, manifest);
            var bundle = await DownloadAndVerifyAsync(manifest, cancellationToken).ConfigureAwait(false);
            downloaded = true;
            var (stagingRoot, stagedModel) = await StageAsync(manifest, bundle, cancellationToken).ConfigureAwait(false);
            try
            {
                CheckModelInfo(manifest, stagedModel);
                await TestAsync(manifest, stagedModel, cancellationToken).ConfigureAwait(false);
                return await SwitchAsync(manifest, stagedModel, bundle, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                DeleteQuietly(stagingRoot);
            }
        }
        catch (OtaUpdateException e)
        {
            OtaLog.UpdateRejected(_logger, manifest.Model, manifest.Version, e.ToStatusError());
            ClearPendingQuietly(manifest);
            DeleteDownload(_store.DownloadPath(manifest));
            var phase = e.Code is OtaErrorCode.ActivationFailed ? OtaPhase.RolledBack : OtaPhase.Rejected;
            var status = new OtaStatus(manifest.Model, manifest.Version, phase, 0, e.ToStatusError());
            await _status.ReportAsync(status, cancellationToken).ConfigureAwait(false);
            return new OtaResult(status, e.Code, downloaded);
        }
    }

    /// <summary>Throws for every reason to refuse the manifest before anything is downloaded; true when it is already active.</summary>
    private bool CheckIsAlreadyActive(OtaManifest manifest)
    {
        using (var keys = OtaTrustedKeySet.LoadDirectory(_options.TrustedKeysDir))
        {
            var signature = OtaSignatureVerifier.Verify(manifest, keys);
            if (!signature.IsValid)
            {
                throw new OtaUpdateException(OtaErrorCode.BadSignature, signature.Reason);
            }

            OtaLog.SignatureVerified(_logger, manifest.Model, manifest.Version, signature.Reason);
        }

        if (manifest.MinRuntime is { } minRuntime && OtaVersion.Compare(_device.RuntimeVersion, minRuntime) < 0)
        {
            throw new OtaUpdateException(OtaErrorCode.RuntimeTooOld,
                $"needs EdgeLLM {minRuntime} or newer, this is {_device.RuntimeVersion}");
        }

        if (!RolloutSelector.Includes(manifest.Rollout, _device.DeviceId))
        {
            throw new OtaUpdateException(OtaErrorCode.NotInRollout,
                $"device '{_device.DeviceId}' is in bucket {RolloutSelector.Bucket(_device.DeviceId, manifest.Rollout.Seed)}, not below the rollout's {manifest.Rollout.Percent}% (seed '{manifest.Rollout.Seed}'); nothing was downloaded");
        }

        var active = _switcher.ActiveEntry;
        var (activeModel, activeVersion, activeSha) = active is { Builtin: false }
            ? (active.Model, active.Version, active.Sha256)
            : (_device.DefaultModel?.Model, _device.DefaultModel?.Version, (string?)null);
        if (activeModel == manifest.Model && activeVersion is not null)
        {
            var order = OtaVersion.Compare(manifest.Version, activeVersion);
            if (order == 0)
            {
                if (activeSha is null || activeSha == manifest.Sha256)
                {
                    return true;
                }

                throw new OtaUpdateException(OtaErrorCode.VersionConflict,
                    $"version {activeVersion} is active with bundle SHA-256 {activeSha}, the manifest's bundle is {manifest.Sha256}; give the new bundle a new version");
            }

            if (order < 0 && !manifest.AllowDowngrade)
            {
                throw new OtaUpdateException(OtaErrorCode.DowngradeRefused,
                    $"{manifest.Version} is older than the active {activeVersion}; set \"allow_downgrade\": true to install it anyway");
            }
        }

        if (_switcher.WasRolledBack(manifest))
        {
            throw new OtaUpdateException(OtaErrorCode.PreviouslyRolledBack,
                $"{manifest} with this bundle was rolled back on this device before; publish a fixed bundle as a new version");
        }

        if (manifest.Size > _options.MaxBundleBytes)
        {
            throw new OtaUpdateException(OtaErrorCode.BundleTooLarge,
                $"the bundle is {manifest.Size} bytes, more than Ota:MaxBundleBytes = {_options.MaxBundleBytes}");
        }

        return false;
    }

    private async Task<string> DownloadAndVerifyAsync(OtaManifest manifest, CancellationToken cancellationToken)
    {
        var bundlePath = _store.DownloadPath(manifest);
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

        await _status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Downloading, 0, null), cancellationToken).ConfigureAwait(false);
        for (var fresh = false; ; fresh = true)
        {
            OtaDownloadResult download;
            try
            {
                download = await _downloader.DownloadAsync(manifest.Url!, manifest.Size, manifest.Sha256, partPath,
                    (bytes, ct) =>
                    {
                        Step(OtaStep.Downloading, manifest);
                        return _status.ReportProgressAsync(manifest, OtaPhase.Downloading, (double)bytes / manifest.Size, ct);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OtaDownloadException e)
            {
                if (e.IsSizeMismatch || e.IsStorageError)
                {
                    // Useless (wrong bundle) or in the way (a full disk): free the space.
                    DeleteDownload(partPath);
                }

                var code = e.IsSizeMismatch ? OtaErrorCode.SizeMismatch : e.IsStorageError ? OtaErrorCode.StorageError : OtaErrorCode.DownloadFailed;
                throw new OtaUpdateException(code, e.Message, e);
            }
            catch (IOException e)
            {
                throw new OtaUpdateException(OtaErrorCode.StorageError, $"writing {partPath}: {e.Message}", e);
            }

            Step(OtaStep.Downloaded, manifest);
            await _status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Verifying, 0, null), cancellationToken).ConfigureAwait(false);
            var (size, sha256) = await OtaBundlePacker.HashFileAsync(partPath, cancellationToken).ConfigureAwait(false);
            if (size != manifest.Size)
            {
                DeleteDownload(partPath);
                throw new OtaUpdateException(OtaErrorCode.SizeMismatch, $"the bundle is {size} bytes, the manifest says {manifest.Size}");
            }

            if (sha256 != manifest.Sha256)
            {
                DeleteDownload(partPath);
                if (download.ResumedFromBytes > 0 && !fresh)
                {
                    // The kept part may predate a power loss that lost its tail; one clean download decides.
                    OtaLog.DownloadRestarted(_logger, manifest.UrlText, "the resumed bundle's SHA-256 did not match");
                    continue;
                }

                throw new OtaUpdateException(OtaErrorCode.Sha256Mismatch, $"the bundle's SHA-256 is {sha256}, the manifest says {manifest.Sha256}");
            }

            DurableFileSystem.Rename(partPath, bundlePath);
            DurableFileSystem.TryDelete(partPath + ".json");
            DurableFileSystem.FsyncDirectory(_store.DownloadsDirectory);
            await _status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Verifying, 1, null), cancellationToken).ConfigureAwait(false);
            return bundlePath;
        }
    }

    private async Task<(string StagingRoot, string ModelDirectory)> StageAsync(OtaManifest manifest, string bundle, CancellationToken cancellationToken)
    {
        await _status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Staging, 0, null), cancellationToken).ConfigureAwait(false);
        var stagingRoot = _store.NewStagingPath(manifest);
        try
        {
            var modelDirectory = await OtaBundleExtractor.ExtractAsync(bundle, stagingRoot, _options.BundleLimits,
                (_, fraction) =>
                {
                    Step(OtaStep.StagedFile, manifest);
                    return _status.ReportProgressAsync(manifest, OtaPhase.Staging, fraction, cancellationToken);
                },
                cancellationToken).ConfigureAwait(false);
            Step(OtaStep.Staged, manifest);
            await _status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Staging, 1, null), cancellationToken).ConfigureAwait(false);
            return (stagingRoot, modelDirectory);
        }
        catch (Exception e) when (e is UnsafeBundleException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(stagingRoot);
            DeleteDownload(bundle);
            throw e switch
            {
                UnsafeBundleException => new OtaUpdateException(OtaErrorCode.UnsafeBundle, e.Message, e),
                InvalidDataException => new OtaUpdateException(OtaErrorCode.UnsafeBundle, $"not a gzip-compressed tar archive: {e.Message}", e),
                _ => new OtaUpdateException(OtaErrorCode.StorageError, $"extracting into {_store.StagingDirectory}: {e.Message}", e),
            };
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
        await _status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Testing, 0, null), cancellationToken).ConfigureAwait(false);
        var request = new OtaValidationRequest(new OtaInstalledModel(manifest.Model, manifest.Version, stagedModel), _switcher.Active);
        OtaValidationResult result;
        try
        {
            result = await _validator.ValidateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new OtaUpdateException(OtaErrorCode.SmokeTestFailed, $"the model could not be tested: {e.Message}", e);
        }

        if (!result.Passed)
        {
            throw new OtaUpdateException(result.IsMemoryBudgetFailure ? OtaErrorCode.MemoryBudget : OtaErrorCode.SmokeTestFailed, result.Reason);
        }

        await _status.ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Testing, 1, null), cancellationToken).ConfigureAwait(false);
    }

    private async Task<OtaResult> SwitchAsync(OtaManifest manifest, string stagedModel, string bundle, CancellationToken cancellationToken)
    {
        await _switcher.SwitchGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            OtaStateEntry entry;
            try
            {
                var relative = _store.Install(stagedModel, manifest.Model, manifest.Version);
                Step(OtaStep.Installed, manifest);
                entry = new OtaStateEntry(manifest.Model, manifest.Version, relative, manifest.Sha256, false);
                _switcher.BeginSwitch(entry);
                Step(OtaStep.Switching, manifest);
            }
            catch (IOException e)
            {
                throw new OtaUpdateException(OtaErrorCode.StorageError, $"installing into {_store.ModelsDirectory}: {e.Message}", e);
            }

            try
            {
                _switcher.SwitchLink(entry);
                Step(OtaStep.Switched, manifest);
                _switcher.CompleteSwitch();
            }
            catch (IOException e)
            {
                _switcher.AbortSwitch();
                throw new OtaUpdateException(OtaErrorCode.StorageError, $"switching to {entry.Directory}: {e.Message}", e);
            }

            Step(OtaStep.Committed, manifest);
            _armConfirmTimer(entry, TimeSpan.FromSeconds(_options.ConfirmSeconds));
            DeleteDownload(bundle);
            var installed = _switcher.ToInstalled(entry)!;
            try
            {
                await _activator.ActivateAsync(installed, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                OtaLog.ActivationFailed(_logger, manifest.Model, manifest.Version, e);
                var rollback = _switcher.RollBackUnconfirmed(entry);
                PruneQuietly();
                if (rollback?.Serving is { } previous)
                {
                    try
                    {
                        await _activator.ActivateAsync(previous, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception again) when (again is not OperationCanceledException)
                    {
                        OtaLog.ActivationFailed(_logger, previous.Model, previous.Version, again);
                    }
                }

                throw new OtaUpdateException(OtaErrorCode.ActivationFailed,
                    $"serving the new model failed ({e.Message}); rolled back to {rollback?.Serving?.ToString() ?? "the embedded default"}", e);
            }

            Step(OtaStep.Activated, manifest);
            OtaLog.UpdateActive(_logger, manifest.Model, manifest.Version, installed.Directory);
            var status = new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Active, 1, null);
            await _status.ReportAsync(status, cancellationToken).ConfigureAwait(false);
            return new OtaResult(status, null, true);
        }
        finally
        {
            _switcher.SwitchGate.Release();
        }
    }

    private void PruneQuietly()
    {
        try
        {
            _switcher.Prune();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OtaLog.CleanupFailed(_logger, _store.ModelsDirectory, e);
        }
    }

    private void Step(OtaStep step, OtaManifest manifest) => _steps?.OnStep(step, manifest);

    private void ClearPendingQuietly(OtaManifest manifest)
    {
        var pending = _switcher.Snapshot().Pending;
        if (pending is null || pending.Model != manifest.Model || pending.Version != manifest.Version || pending.Sha256 != manifest.Sha256)
        {
            return;
        }

        try
        {
            _switcher.ClearPending();
        }
        catch (IOException e)
        {
            OtaLog.CleanupFailed(_logger, _store.StatePath, e);
        }
    }

    private void DeleteDownload(string path)
    {
        DurableFileSystem.TryDelete(path);
        DurableFileSystem.TryDelete(path + ".json");
    }

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
            OtaLog.CleanupFailed(_logger, directory, e);
        }
    }
}
