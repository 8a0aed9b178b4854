using System.Collections.Immutable;

namespace EdgeLLM.Ota.Store;

/// <summary>
/// The OTA journal, <c>ota/ota-state.json</c>: which version is active and whether it was confirmed, which one was
/// serving before, a switch in progress and an update in progress. Immutable: every change is a new journal made
/// with <c>with</c>, written whole and atomically (<see cref="OtaStateStore"/>) before it counts, so it is never seen
/// half-written on disk or half-changed in memory. The properties have setters only because the source-generated
/// reader (<see cref="OtaStateStore"/>) assigns every init-only property, so a field missing from an older file would
/// lose its default; nothing outside that reader sets them.
/// </summary>
public sealed record OtaJournal
{
    /// <summary>Versions kept in <see cref="RolledBack"/>.</summary>
    public const int MaxRolledBack = 16;

    /// <summary>The file format.</summary>
    public int Format { get; set; } = 1;

    /// <summary>The version the <c>current</c> link points at; null or builtin when the embedded default serves.</summary>
    public OtaStateEntry? Active { get; set; }

    /// <summary>False from the switch until it is confirmed healthy; an unconfirmed version is rolled back.</summary>
    public bool ActiveConfirmed { get; set; } = true;

    /// <summary>When the active version was switched to (wall clock).</summary>
    public DateTimeOffset? SwitchedAt { get; set; }

    /// <summary>Process starts since the switch without a confirmation.</summary>
    public int UnconfirmedStarts { get; set; }

    /// <summary>The last confirmed version before the active one: the rollback target (null: the embedded default).</summary>
    public OtaStateEntry? Previous { get; set; }

    /// <summary>Set just before the <c>current</c> link is replaced, cleared once the switch is recorded.</summary>
    public OtaSwitchJournal? Switching { get; set; }

    /// <summary>An update past its checks and not yet finished; resumed after a crash.</summary>
    public OtaPendingUpdate? Pending { get; set; }

    /// <summary>Versions installed in the store, oldest first, for pruning.</summary>
    public ImmutableList<OtaStateEntry> Installed { get; set; } = [];

    /// <summary>Versions that were rolled back (newest last, at most <see cref="MaxRolledBack"/>): not installed again automatically.</summary>
    public ImmutableList<OtaStateEntry> RolledBack { get; set; } = [];

    /// <summary>True when this exact bundle was switched to once and rolled back.</summary>
    public bool WasRolledBack(string model, string version, string sha256) =>
        RolledBack.Exists(e => e.Model == model && e.Version == version && e.Sha256 == sha256);
}
