using System.Text.Json;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Manifests;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Store;

/// <summary>
/// Owns the journal and the <c>current</c> link and moves them together through switch, confirmation,
/// rollback, start-up recovery and pruning, in an order that a crash at any point leaves recoverable
/// (see <c>docs/OTA.md</c>). State changes are serialised by a lock and written through to disk before
/// they count; <see cref="SwitchGate"/> additionally keeps switch/rollback + activation and pruning apart.
/// </summary>
internal sealed class OtaModelSwitcher
{
    private static readonly JsonSerializerOptions CloneOptions = new();
    private readonly Lock _lock = new();
    private readonly OtaModelStore _store;
    private readonly OtaStateStore _journal;
    private readonly OtaInstalledModel? _default;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _confirmWindow;
    private readonly int _keepVersions;
    private OtaStateDocument _state = new();

    public OtaModelSwitcher(OtaModelStore store, OtaInstalledModel? defaultModel, OtaOptions options, ILogger logger, TimeProvider time)
    {
        _store = store;
        _journal = new OtaStateStore(store.StatePath);
        _default = defaultModel;
        _logger = logger;
        _time = time;
        _confirmWindow = TimeSpan.FromSeconds(options.ConfirmSeconds);
        _keepVersions = options.KeepVersions;
    }

    /// <summary>Held across a switch or rollback and the activation that follows it, and across pruning.</summary>
    public SemaphoreSlim SwitchGate { get; } = new(1, 1);

    /// <summary>The version serving now (per the journal); null when the embedded default serves and none is configured.</summary>
    public OtaInstalledModel? Active
    {
        get
        {
            lock (_lock)
            {
                return ToInstalled(_state.Active);
            }
        }
    }

    /// <summary>A copy of the journal.</summary>
    public OtaStateDocument Snapshot()
    {
        lock (_lock)
        {
            return Clone(_state);
        }
    }

    /// <summary>Start-up: removes leftovers, finishes or forgets an interrupted switch, rolls back an unconfirmed version when due.</summary>
    public OtaRecovery Recover()
    {
        lock (_lock)
        {
            _store.EnsureLayout();
            OtaStateDocument state;
            try
            {
                state = _journal.Load();
            }
            catch (JsonException e)
            {
                OtaLog.StateRepaired(_logger, $"{_journal.Path} is unreadable ({e.Message}); rebuilding it from the current link");
                state = new OtaStateDocument();
            }

            var keep = state.Pending is { } pending ? OtaModelStore.DownloadName(pending.Model, pending.Version) : null;
            foreach (var removed in _store.RemoveLeftovers(keep))
            {
                OtaLog.Recovered(_logger, $"removed leftover {removed}");
            }

            var link = _store.ReadCurrentLink();
            if (state.Switching is { } switching)
            {
                if (link == switching.Target.Directory)
                {
                    CommitSwitch(state, switching);
                    state.Pending = null; // the update it belongs to is done
                    OtaLog.Recovered(_logger, $"completed the interrupted switch to {switching.Target.Model}@{switching.Target.Version} (unconfirmed)");
                }
                else
                {
                    OtaLog.Recovered(_logger, $"the switch to {switching.Target.Model}@{switching.Target.Version} was interrupted before the link changed; the old model keeps serving");
                }

                state.Switching = null;
            }

            Reconcile(state, link);
            OtaInstalledModel? rolledBack = null;
            string? reason = null;
            TimeSpan? confirmWithin = null;
            if (!state.ActiveConfirmed)
            {
                var now = _time.GetUtcNow();
                var deadline = (state.SwitchedAt ?? now) + _confirmWindow;
                if (now >= deadline || state.UnconfirmedStarts >= 1)
                {
                    reason = now >= deadline
                        ? $"not confirmed healthy within {_confirmWindow.TotalSeconds:0} s (Ota:ConfirmSeconds) of the switch"
                        : "the service restarted twice since the switch without confirming the model healthy";
                    rolledBack = ToInstalled(state.Active);
                    RollBack(state);
                }
                else
                {
                    state.UnconfirmedStarts++;
                    confirmWithin = deadline - now > _confirmWindow ? _confirmWindow : deadline - now;
                }
            }

            Save(state);
            return new OtaRecovery(ToInstalled(state.Active), rolledBack, reason, confirmWithin);
        }
    }

    /// <summary>Records an update as pending (or counts another start of the same one) and returns how often it was started.</summary>
    public int MarkPending(OtaManifest manifest, string manifestJson)
    {
        lock (_lock)
        {
            var state = Clone(_state);
            var attempts = state.Pending is { } pending && pending.Model == manifest.Model && pending.Version == manifest.Version
                                                       && pending.Sha256 == manifest.Sha256
                ? pending.Attempts + 1
                : 1;
            state.Pending = new OtaPendingUpdate(manifestJson, manifest.Model, manifest.Version, manifest.Sha256, attempts);
            Save(state);
            return attempts;
        }
    }

    /// <summary>Forgets the pending update (it finished or was rejected).</summary>
    public void ClearPending()
    {
        lock (_lock)
        {
            if (_state.Pending is null)
            {
                return;
            }

            var state = Clone(_state);
            state.Pending = null;
            Save(state);
        }
    }

    /// <summary>Journals a switch to <paramref name="target"/>; the link is not touched yet. Returns the rollback target it recorded.</summary>
    public OtaStateEntry? BeginSwitch(OtaStateEntry target)
    {
        lock (_lock)
        {
            var state = Clone(_state);
            var previous = state.ActiveConfirmed ? state.Active : state.Previous;
            state.Switching = new OtaSwitchJournal(target, previous, _time.GetUtcNow());
            Save(state);
            return previous;
        }
    }

    /// <summary>Points the <c>current</c> link at the journaled target: from here on a restart serves the new version.</summary>
    public void SwitchLink(OtaStateEntry target) => _store.SwitchCurrentLink(target.Builtin ? null : target.Directory);

    /// <summary>Records the journaled switch as done: the target is active and unconfirmed.</summary>
    public void CompleteSwitch()
    {
        lock (_lock)
        {
            var state = Clone(_state);
            CommitSwitch(state, state.Switching ?? throw new InvalidOperationException("no switch is journaled"));
            state.Switching = null;
            state.Pending = null;
            Save(state);
        }
    }

    /// <summary>Undoes a journaled switch whose commit failed: the link goes back to the active version.</summary>
    public void AbortSwitch()
    {
        lock (_lock)
        {
            _store.SwitchCurrentLink(_state.Active is { Builtin: false } active ? active.Directory : null);
            var state = Clone(_state);
            state.Switching = null;
            Save(state);
        }
    }

    /// <summary>
    /// Rolls the active version back to the previous one (link first, then the journal) when it is still the
    /// unconfirmed <paramref name="expected"/> version; returns the (failed, now serving) pair, or null when not applicable.
    /// </summary>
    public (OtaInstalledModel Failed, OtaInstalledModel? Serving)? RollBackUnconfirmed(OtaStateEntry expected, bool evenIfConfirmed = false)
    {
        lock (_lock)
        {
            if (!expected.SameVersionAs(_state.Active) || (_state.ActiveConfirmed && !evenIfConfirmed))
            {
                return null;
            }

            var state = Clone(_state);
            var failed = ToInstalled(state.Active)!;
            RollBack(state);
            Save(state);
            return (failed, ToInstalled(state.Active));
        }
    }

    /// <summary>Marks the active version confirmed healthy; false when nothing awaited confirmation.</summary>
    public bool Confirm()
    {
        lock (_lock)
        {
            if (_state.ActiveConfirmed)
            {
                return false;
            }

            var state = Clone(_state);
            state.ActiveConfirmed = true;
            state.UnconfirmedStarts = 0;
            Save(state);
            return true;
        }
    }

    /// <summary>True when this exact bundle was switched to once and rolled back.</summary>
    public bool WasRolledBack(OtaManifest manifest)
    {
        lock (_lock)
        {
            return _state.RolledBack.Exists(e => e.Model == manifest.Model && e.Version == manifest.Version && e.Sha256 == manifest.Sha256);
        }
    }

    /// <summary>The journal entry of the active version (null: the embedded default).</summary>
    public OtaStateEntry? ActiveEntry
    {
        get
        {
            lock (_lock)
            {
                return _state.Active;
            }
        }
    }

    /// <summary>Removes versions beyond <c>Ota:KeepVersions</c> (never the active, previous or a journaled one) and orphans. Caller holds <see cref="SwitchGate"/>.</summary>
    public List<string> Prune()
    {
        List<string> doomed;
        lock (_lock)
        {
            var state = Clone(_state);
            var keep = new HashSet<string>(StringComparer.Ordinal);
            AddKeep(keep, state.Active);
            AddKeep(keep, state.Previous);
            AddKeep(keep, state.Switching?.Target);
            for (var i = state.Installed.Count - 1; i >= 0 && keep.Count < _keepVersions; i--)
            {
                AddKeep(keep, state.Installed[i]);
            }

            doomed = [.. _store.EnumerateVersionDirectories().Where(d => !keep.Contains(d))];
            var removedFromHistory = state.Installed.RemoveAll(e => e.Directory is not null && !keep.Contains(e.Directory));
            if (removedFromHistory > 0)
            {
                Save(state);
            }
        }

        foreach (var relative in doomed)
        {
            _store.MoveToTrash(_store.FullPath(relative));
            OtaLog.Pruned(_logger, relative);
        }

        return doomed;
    }

    /// <summary>The installed model a journal entry stands for (builtin: the embedded default).</summary>
    public OtaInstalledModel? ToInstalled(OtaStateEntry? entry) => entry switch
    {
        null or { Builtin: true } => _default,
        _ => new OtaInstalledModel(entry.Model, entry.Version, _store.FullPath(entry.Directory!)),
    };

    private static void AddKeep(HashSet<string> keep, OtaStateEntry? entry)
    {
        if (entry is { Builtin: false, Directory: { } directory })
        {
            keep.Add(directory);
        }
    }

    private void CommitSwitch(OtaStateDocument state, OtaSwitchJournal switching)
    {
        state.Active = switching.Target;
        state.Previous = switching.Previous;
        state.ActiveConfirmed = false;
        state.SwitchedAt = switching.StartedAt;
        state.UnconfirmedStarts = 0;
        state.Installed.RemoveAll(e => e.Directory == switching.Target.Directory);
        state.Installed.Add(switching.Target);
    }

    /// <summary>Makes the journal agree with the link, which is the truth about what serves.</summary>
    private void Reconcile(OtaStateDocument state, string? link)
    {
        var journaled = state.Active is { Builtin: false } active ? active.Directory : null;
        if (link != journaled)
        {
            state.Active = link is null ? null : FindOrDescribe(state, link);
            state.ActiveConfirmed = true;
            state.UnconfirmedStarts = 0;
            OtaLog.StateRepaired(_logger, $"the current link points at {link ?? "(none: the embedded default)"}, the journal said {journaled ?? "(the embedded default)"}; following the link");
        }

        if (state.Active is { Builtin: false } serving && !OtaModelStore.IsModelDirectory(_store.FullPath(serving.Directory!)))
        {
            // Cannot happen through this code (a directory is complete before the link names it); outside damage.
            var fallback = state.Previous is { Builtin: false } p && OtaModelStore.IsModelDirectory(_store.FullPath(p.Directory!)) ? p : null;
            OtaLog.StateRepaired(_logger, $"{serving.Directory} is not a model directory; serving {fallback?.Directory ?? "the embedded default"} instead");
            _store.SwitchCurrentLink(fallback?.Directory);
            state.Active = fallback;
            state.Previous = null;
            state.ActiveConfirmed = true;
        }
    }

    private static OtaStateEntry FindOrDescribe(OtaStateDocument state, string directory)
    {
        var known = state.Installed.Find(e => e.Directory == directory);
        if (known is not null)
        {
            return known;
        }

        // models/<model>/versions/<version>
        var parts = directory.Split(Path.DirectorySeparatorChar);
        return parts is ["models", var model, "versions", var version]
            ? new OtaStateEntry(model, version, directory, null, false)
            : new OtaStateEntry("unknown", "unknown", directory, null, false);
    }

    private void RollBack(OtaStateDocument state)
    {
        var target = state.Previous is { Builtin: false } previous && OtaModelStore.IsModelDirectory(_store.FullPath(previous.Directory!))
            ? previous
            : null;
        _store.SwitchCurrentLink(target?.Directory);
        if (state.Active is { Builtin: false } failed)
        {
            state.Installed.RemoveAll(e => e.Directory == failed.Directory);
            state.RolledBack.RemoveAll(e => e.SameVersionAs(failed));
            state.RolledBack.Add(failed);
            if (state.RolledBack.Count > OtaStateDocument.MaxRolledBack)
            {
                state.RolledBack.RemoveAt(0);
            }
        }

        state.Active = target;
        state.Previous = null;
        state.ActiveConfirmed = true;
        state.SwitchedAt = null;
        state.UnconfirmedStarts = 0;
        state.Switching = null;
    }

    private void Save(OtaStateDocument state)
    {
        _journal.Save(state);
        _state = state;
    }

    private static OtaStateDocument Clone(OtaStateDocument state) =>
        JsonSerializer.Deserialize<OtaStateDocument>(JsonSerializer.SerializeToUtf8Bytes(state, CloneOptions), CloneOptions)!;
}
