using System.Text.Json;
using EdgeLLM.Ota.Store;

namespace EdgeLLM.Ota.Device;

/// <content>Start-up recovery: what a crash or power loss at any step left behind, made whole again.</content>
internal sealed partial class OtaCoordinator
{
    private (OtaJournal Journal, string? RollbackReason, TimeSpan? ConfirmWithin) RecoverJournal()
    {
        lock (_lock)
        {
            Store.EnsureLayout();
            OtaJournal journal;
            try
            {
                journal = _journalFile.Load();
            }
            catch (JsonException e)
            {
                OtaLog.StateRepaired(_logger, $"{_journalFile.Path} is unreadable ({e.Message}); rebuilding it from the current link");
                journal = new OtaJournal();
            }

            var keep = journal.Pending is { } pending ? OtaModelStore.DownloadName(pending.Model, pending.Version) : null;
            foreach (var removed in Store.RemoveLeftovers(keep))
            {
                OtaLog.Recovered(_logger, $"removed leftover {removed}");
            }

            var link = Store.ReadCurrentLink();
            if (journal.Switching is { } switching)
            {
                if (link == switching.Target.Directory)
                {
                    // The update the switch belongs to is done.
                    journal = Committed(journal, switching) with { Pending = null };
                    OtaLog.Recovered(_logger, $"completed the interrupted switch to {switching.Target.Model}@{switching.Target.Version} (unconfirmed)");
                }
                else
                {
                    OtaLog.Recovered(_logger, $"the switch to {switching.Target.Model}@{switching.Target.Version} was interrupted before the link changed; the old model keeps serving");
                }

                journal = journal with { Switching = null };
            }

            journal = Reconciled(journal, link);
            string? reason = null;
            TimeSpan? confirmWithin = null;
            if (!journal.ActiveConfirmed)
            {
                var now = _time.GetUtcNow();
                var deadline = (journal.SwitchedAt ?? now) + _confirmWindow;
                if (now >= deadline)
                {
                    reason = $"not confirmed healthy within {_confirmWindow.TotalSeconds:0} s (Ota:ConfirmSeconds) of the switch";
                }
                else if (journal.UnconfirmedStarts >= 1)
                {
                    reason = "the service restarted twice since the switch without confirming the model healthy";
                }
                else
                {
                    journal = journal with { UnconfirmedStarts = journal.UnconfirmedStarts + 1 };
                    confirmWithin = deadline - now > _confirmWindow ? _confirmWindow : deadline - now;
                }
            }

            Save(journal);
            return (journal, reason, confirmWithin);
        }
    }

    /// <summary>The journal made to agree with the link, which is the truth about what serves.</summary>
    private OtaJournal Reconciled(OtaJournal journal, string? link)
    {
        var journaled = journal.Active is { Builtin: false } active ? active.Directory : null;
        if (link != journaled)
        {
            journal = journal with { Active = link is null ? null : FindOrDescribe(journal, link), ActiveConfirmed = true, UnconfirmedStarts = 0 };
            OtaLog.StateRepaired(_logger, $"the current link points at {link ?? "(none: the embedded default)"}, the journal said {journaled ?? "(the embedded default)"}; following the link");
        }

        if (journal.Active is { Builtin: false } serving && !OtaModelStore.IsModelDirectory(Store.FullPath(serving.Directory!)))
        {
            // Cannot happen through this code (a directory is complete before the link names it); outside damage.
            var fallback = journal.Previous is { Builtin: false } p && OtaModelStore.IsModelDirectory(Store.FullPath(p.Directory!)) ? p : null;
            OtaLog.StateRepaired(_logger, $"{serving.Directory} is not a model directory; serving {fallback?.Directory ?? "the embedded default"} instead");
            Store.SwitchCurrentLink(fallback?.Directory);
            journal = journal with { Active = fallback, Previous = null, ActiveConfirmed = true };
        }

        return journal;
    }

    private static OtaStateEntry FindOrDescribe(OtaJournal journal, string directory)
    {
        var known = journal.Installed.Find(e => e.Directory == directory);
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
}
