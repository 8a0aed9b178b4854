namespace EdgeLLM.Ota.Store;

/// <summary>
/// The OTA journal, <c>ota/ota-state.json</c>: which version is active and whether it was confirmed, which
/// one was serving before, a switch in progress and an update in progress. Always replaced whole and
/// atomically (<see cref="OtaStateStore"/>), so it is never seen half-written.
/// </summary>
internal sealed class OtaStateDocument
{
    public int Format { get; set; } = 1;

    /// <summary>The version the <c>current</c> link points at; null or builtin when the embedded default serves.</summary>
    public OtaStateEntry? Active { get; set; }

    /// <summary>False from the switch until <c>ConfirmHealthy</c>; an unconfirmed version is rolled back.</summary>
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
    public List<OtaStateEntry> Installed { get; set; } = [];

    /// <summary>Versions that were rolled back (newest last, at most <see cref="MaxRolledBack"/>): not installed again automatically.</summary>
    public List<OtaStateEntry> RolledBack { get; set; } = [];

    public const int MaxRolledBack = 16;
}

/// <summary>A model version the journal refers to.</summary>
/// <param name="Model">Model id.</param>
/// <param name="Version">Model version.</param>
/// <param name="Directory">Relative to the state directory for versions in the store; null for the builtin default.</param>
/// <param name="Sha256">SHA-256 of the bundle it came from; null for the builtin default.</param>
/// <param name="Builtin">True for the embedded default model, which lives outside the store.</param>
internal sealed record OtaStateEntry(string Model, string Version, string? Directory, string? Sha256, bool Builtin)
{
    public bool SameVersionAs(OtaStateEntry? other) =>
        other is not null && other.Builtin == Builtin && other.Model == Model && other.Version == Version;
}

/// <summary>A switch in progress: <see cref="Target"/> is about to become active with <see cref="Previous"/> as rollback target.</summary>
internal sealed record OtaSwitchJournal(OtaStateEntry Target, OtaStateEntry? Previous, DateTimeOffset StartedAt);

/// <summary>An update in progress: its manifest and how many times it was started.</summary>
internal sealed record OtaPendingUpdate(string Manifest, string Model, string Version, string Sha256, int Attempts);
