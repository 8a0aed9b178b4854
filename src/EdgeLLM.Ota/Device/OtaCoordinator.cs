using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Device;

/// <summary>
/// The one owner of the journal and the <c>current</c> link. It moves them together through switch, confirmation,
/// rollback, start-up recovery and pruning, in an order that a crash at any point leaves recoverable (see
/// <c>docs/OTA.md</c>). The journal is an immutable <see cref="OtaJournal"/> replaced whole (written to disk before
/// it counts) under a short lock; a private gate keeps the longer operations apart: a switch or a rollback with the
/// activation that follows it, and pruning. Nothing outside takes either.
/// </summary>
internal sealed partial class OtaCoordinator : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly OtaStateStore _journalFile;
    private readonly OtaInstalledModel? _default;
    private readonly IOtaModelActivator _activator;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _confirmWindow;
    private readonly int _keepVersions;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _confirmTimer;
    private Task _background = Task.CompletedTask;
    private OtaJournal _journal = new();

    /// <param name="device">The state directory and the embedded default model.</param>
    /// <param name="options">Confirmation window and versions to keep.</param>
    /// <param name="activator">Swaps the serving model after a switch or a rollback.</param>
    /// <param name="status">Where rollbacks and activations are reported.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="time">Clock of the confirmation deadline.</param>
    public OtaCoordinator(OtaDeviceContext device, OtaOptions options, IOtaModelActivator activator, OtaStatusReporter status, ILogger logger, TimeProvider time)
    {
        Store = new OtaModelStore(device.StateDirectory);
        Status = status;
        _journalFile = new OtaStateStore(Store.StatePath);
        _default = device.DefaultModel;
        _activator = activator;
        _logger = logger;
        _time = time;
        _confirmWindow = TimeSpan.FromSeconds(options.ConfirmSeconds);
        _keepVersions = options.KeepVersions;
    }

    /// <summary>The store of installed versions, downloads and staging.</summary>
    public OtaModelStore Store { get; }

    /// <summary>Where statuses go.</summary>
    public OtaStatusReporter Status { get; }

    /// <summary>The journal as it stands (immutable).</summary>
    public OtaJournal Journal => Volatile.Read(ref _journal);

    /// <summary>The version serving now (per the journal); null when the embedded default serves and none is configured.</summary>
    public OtaInstalledModel? Active => ToInstalled(Journal.Active);

    /// <summary>
    /// Start-up: removes leftovers, finishes or forgets an interrupted switch, then rolls back an unconfirmed version
    /// when its confirmation window has passed or the service already restarted once without confirming it, and
    /// otherwise arms the confirmation deadline.
    /// </summary>
    /// <returns>The model to serve (null: the host's configured default, when the context names none).</returns>
    public async Task<OtaInstalledModel?> RecoverAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (journal, rollbackReason, confirmWithin) = RecoverJournal();
            if (rollbackReason is not null)
            {
                await RollBackHoldingGateAsync(journal.Active!, OtaErrorCode.NotConfirmed, rollbackReason, activate: false, cancellationToken).ConfigureAwait(false);
            }
            else if (confirmWithin is { } within && journal.Active is { } unconfirmed)
            {
                ArmConfirmDeadline(unconfirmed, within);
            }

            PruneHoldingGate();
        }
        finally
        {
            _gate.Release();
        }

        return Active;
    }

    /// <summary>Marks the active version confirmed healthy and prunes in the background; false when nothing awaited confirmation.</summary>
    public bool Confirm()
    {
        lock (_lock)
        {
            if (_journal.ActiveConfirmed)
            {
                return false;
            }

            Save(_journal with { ActiveConfirmed = true, UnconfirmedStarts = 0 });
            _confirmTimer?.Dispose();
            _confirmTimer = null;
        }

        if (Active is { } active)
        {
            OtaLog.Confirmed(_logger, active.Model, active.Version);
        }

        // Confirmation may come from inside an activation, which holds the gate: prune once it is free.
        RunInBackground(PruneAsync(_stopping.Token));
        return true;
    }

    /// <summary>Records an update as pending (or counts another start of the same one) and returns how often it was started.</summary>
    public int MarkPending(OtaManifest manifest, string manifestJson)
    {
        lock (_lock)
        {
            var attempts = IsPending(_journal, manifest) ? _journal.Pending!.Attempts + 1 : 1;
            Save(_journal with { Pending = new OtaPendingUpdate(manifestJson, manifest.Model, manifest.Version, manifest.Sha256, attempts) });
            return attempts;
        }
    }

    /// <summary>Forgets the pending update when it is <paramref name="manifest"/>'s (it finished or was rejected); a write failure is logged.</summary>
    public void ClearPending(OtaManifest manifest)
    {
        try
        {
            lock (_lock)
            {
                if (IsPending(_journal, manifest))
                {
                    Save(_journal with { Pending = null });
                }
            }
        }
        catch (IOException e)
        {
            OtaLog.CleanupFailed(_logger, Store.StatePath, e);
        }
    }

    /// <summary>
    /// Installs a tested model, switches the <c>current</c> link to it (journaled, so a crash finishes or forgets the
    /// switch), deletes the verified download <c>bundle</c>, arms the confirmation deadline and activates it. An
    /// activation that fails is rolled back here.
    /// </summary>
    /// <exception cref="OtaUpdateException">Installing or switching failed (<see cref="OtaErrorCode.StorageError"/>); nothing changed.</exception>
    public async Task<OtaResult> SwitchAsync(OtaManifest manifest, string stagedModel, string bundle, Action<OtaStep> step, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = BeginSwitch(manifest, stagedModel, step);
            try
            {
                Store.SwitchCurrentLink(entry.Directory);
                step(OtaStep.Switched);
                lock (_lock)
                {
                    Save(Committed(_journal, _journal.Switching!) with { Switching = null, Pending = null });
                }
            }
            catch (IOException e)
            {
                AbortSwitch();
                throw new OtaUpdateException(OtaErrorCode.StorageError, $"switching to {entry.Directory}: {e.Message}", e);
            }

            step(OtaStep.Committed);
            ArmConfirmDeadline(entry, _confirmWindow);
            OtaModelStore.DeleteDownload(bundle);
            var installed = ToInstalled(entry)!;
            try
            {
                await _activator.ActivateAsync(installed, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                OtaLog.ActivationFailed(_logger, manifest.Model, manifest.Version, e);
                var reason = $"serving the new model failed ({e.Message})";
                var status = await RollBackHoldingGateAsync(entry, OtaErrorCode.ActivationFailed, reason, activate: true, cancellationToken).ConfigureAwait(false)
                             ?? new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Rejected, 0, $"{OtaUpdateException.WireName(OtaErrorCode.ActivationFailed)}: {reason}");
                return new OtaResult(status, OtaErrorCode.ActivationFailed, true);
            }

            step(OtaStep.Activated);
            OtaLog.UpdateActive(_logger, manifest.Model, manifest.Version, installed.Directory);
            var active = new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Active, 1, null);
            active = await Status.ReportAsync(active, cancellationToken).ConfigureAwait(false);
            return new OtaResult(active, null, true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The operator aborted the rollout of <paramref name="abort"/>'s version: when it is the active version (confirmed
    /// or not), the device goes back to the previous one through the one rollback path and reports <c>rolled_back</c>
    /// (<c>rollout_aborted</c>). Null when that version does not serve here: nothing changes.
    /// </summary>
    public async Task<OtaStatus?> RollBackAbortedAsync(OtaManifest abort, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Journal.Active is not { Builtin: false } active || active.Model != abort.Model || active.Version != abort.Version)
            {
                return null;
            }

            return await RollBackHoldingGateAsync(active, OtaErrorCode.RolloutAborted, "the operator aborted the rollout of this version", activate: true,
                cancellationToken, evenIfConfirmed: true).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes versions beyond <c>Ota:KeepVersions</c> (never the active, previous or a journaled one) and orphans; failures are logged.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PruneHoldingGate();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the confirmation deadline and waits for background work (rollback, pruning) to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        lock (_lock)
        {
            _confirmTimer?.Dispose();
            _confirmTimer = null;
        }

        await _background.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private OtaStateEntry BeginSwitch(OtaManifest manifest, string stagedModel, Action<OtaStep> step)
    {
        try
        {
            var relative = Store.Install(stagedModel, manifest.Model, manifest.Version);
            step(OtaStep.Installed);
            var entry = new OtaStateEntry(manifest.Model, manifest.Version, relative, manifest.Sha256, false);
            lock (_lock)
            {
                var previous = _journal.ActiveConfirmed ? _journal.Active : _journal.Previous;
                Save(_journal with { Switching = new OtaSwitchJournal(entry, previous, _time.GetUtcNow()) });
            }

            step(OtaStep.Switching);
            return entry;
        }
        catch (IOException e)
        {
            throw new OtaUpdateException(OtaErrorCode.StorageError, $"installing into {Store.ModelsDirectory}: {e.Message}", e);
        }
    }

    /// <summary>Undoes a journaled switch whose commit failed: the link goes back to the active version.</summary>
    private void AbortSwitch()
    {
        lock (_lock)
        {
            Store.SwitchCurrentLink(_journal.Active is { Builtin: false } active ? active.Directory : null);
            Save(_journal with { Switching = null });
        }
    }

    /// <summary>
    /// The one rollback path: when <paramref name="failed"/> is still the active, unconfirmed version (or confirmed, when
    /// <paramref name="evenIfConfirmed"/>: an operator's abort), points the link
    /// and the journal back at the previous version, activates it (when <paramref name="activate"/>; at start-up nothing
    /// serves yet), reports <c>rolled_back</c> and prunes. Null when there was nothing to roll back.
    /// </summary>
    private async Task<OtaStatus?> RollBackHoldingGateAsync(
        OtaStateEntry failed, OtaErrorCode code, string reason, bool activate, CancellationToken cancellationToken, bool evenIfConfirmed = false)
    {
        OtaInstalledModel failedModel;
        OtaInstalledModel? serving;
        lock (_lock)
        {
            if (!failed.SameVersionAs(_journal.Active) || _journal.ActiveConfirmed && !evenIfConfirmed)
            {
                return null;
            }

            failedModel = ToInstalled(_journal.Active)!;
            Save(RolledBack(_journal));
            serving = ToInstalled(_journal.Active);
            _confirmTimer?.Dispose();
            _confirmTimer = null;
        }

        var target = serving?.ToString() ?? "the embedded default";
        OtaLog.RolledBack(_logger, failedModel.Model, failedModel.Version, target, reason);
        if (activate && serving is not null)
        {
            try
            {
                await _activator.ActivateAsync(serving, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                OtaLog.ActivationFailed(_logger, serving.Model, serving.Version, e);
            }
        }

        var status = new OtaStatus(failedModel.Model, failedModel.Version, OtaPhase.RolledBack, 0,
            $"{OtaUpdateException.WireName(code)}: {reason}; rolled back to {target}");
        status = await Status.ReportAsync(status, cancellationToken).ConfigureAwait(false);
        PruneHoldingGate();
        return status;
    }

    private void ArmConfirmDeadline(OtaStateEntry entry, TimeSpan within)
    {
        lock (_lock)
        {
            _confirmTimer?.Dispose();
            _confirmTimer = _time.CreateTimer(_ => RunInBackground(OnConfirmDeadlineAsync(entry)), null, within, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnConfirmDeadlineAsync(OtaStateEntry entry)
    {
        var token = _stopping.Token;
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await RollBackHoldingGateAsync(entry, OtaErrorCode.NotConfirmed,
                $"not confirmed healthy within {_confirmWindow.TotalSeconds:0} s (Ota:ConfirmSeconds)", activate: true, token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            OtaLog.CleanupFailed(_logger, Store.StateDirectory, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Keeps background work where <see cref="DisposeAsync"/> waits for it.</summary>
    private void RunInBackground(Task work)
    {
        lock (_lock)
        {
            _background = Task.WhenAll(_background, work);
        }
    }

    /// <summary>The one prune path; the caller holds the gate.</summary>
    private void PruneHoldingGate()
    {
        try
        {
            List<string> doomed;
            lock (_lock)
            {
                var keep = new HashSet<string>(StringComparer.Ordinal);
                AddKeep(keep, _journal.Active);
                AddKeep(keep, _journal.Previous);
                AddKeep(keep, _journal.Switching?.Target);
                for (var i = _journal.Installed.Count - 1; i >= 0 && keep.Count < _keepVersions; i--)
                {
                    AddKeep(keep, _journal.Installed[i]);
                }

                doomed = [.. Store.EnumerateVersionDirectories().Where(d => !keep.Contains(d))];
                var installed = _journal.Installed.RemoveAll(e => e.Directory is not null && !keep.Contains(e.Directory));
                if (installed.Count != _journal.Installed.Count)
                {
                    Save(_journal with { Installed = installed });
                }
            }

            foreach (var relative in doomed)
            {
                Store.MoveToTrash(Store.FullPath(relative));
                OtaLog.Pruned(_logger, relative);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OtaLog.CleanupFailed(_logger, Store.StateDirectory, e);
        }
    }

    private static OtaJournal Committed(OtaJournal journal, OtaSwitchJournal switching) => journal with
    {
        Active = switching.Target,
        Previous = switching.Previous,
        ActiveConfirmed = false,
        SwitchedAt = switching.StartedAt,
        UnconfirmedStarts = 0,
        Installed = journal.Installed.RemoveAll(e => e.Directory == switching.Target.Directory).Add(switching.Target),
    };

    /// <summary>The journal rolled back to the previous version; the link is switched first.</summary>
    private OtaJournal RolledBack(OtaJournal journal)
    {
        var target = journal.Previous is { Builtin: false } previous && OtaModelStore.IsModelDirectory(Store.FullPath(previous.Directory!))
            ? previous
            : null;
        Store.SwitchCurrentLink(target?.Directory);
        var installed = journal.Installed;
        var rolledBack = journal.RolledBack;
        if (journal.Active is { Builtin: false } failed)
        {
            installed = installed.RemoveAll(e => e.Directory == failed.Directory);
            rolledBack = rolledBack.RemoveAll(e => e.SameVersionAs(failed)).Add(failed);
            if (rolledBack.Count > OtaJournal.MaxRolledBack)
            {
                rolledBack = rolledBack.RemoveAt(0);
            }
        }

        return journal with
        {
            Active = target,
            Previous = null,
            ActiveConfirmed = true,
            SwitchedAt = null,
            UnconfirmedStarts = 0,
            Switching = null,
            Installed = installed,
            RolledBack = rolledBack,
        };
    }

    private static bool IsPending(OtaJournal journal, OtaManifest manifest) =>
        journal.Pending is { } pending && pending.Model == manifest.Model && pending.Version == manifest.Version && pending.Sha256 == manifest.Sha256;

    private static void AddKeep(HashSet<string> keep, OtaStateEntry? entry)
    {
        if (entry is { Builtin: false, Directory: { } directory })
        {
            keep.Add(directory);
        }
    }

    /// <summary>The installed model a journal entry stands for (builtin: the embedded default).</summary>
    private OtaInstalledModel? ToInstalled(OtaStateEntry? entry) => entry switch
    {
        null or { Builtin: true } => _default,
        _ => new OtaInstalledModel(entry.Model, entry.Version, Store.FullPath(entry.Directory!)),
    };

    /// <summary>Writes the journal, then lets it count (the caller holds the lock).</summary>
    private void Save(OtaJournal journal)
    {
        _journalFile.Save(journal);
        Volatile.Write(ref _journal, journal);
    }
}
