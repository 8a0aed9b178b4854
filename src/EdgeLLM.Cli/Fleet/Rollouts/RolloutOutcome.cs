namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>Where one targeted device stands in a rollout, from its retained <c>ota/status</c> and the clock.</summary>
internal enum RolloutOutcome
{
    /// <summary>Nothing about this version yet (or still the answer to an earlier, narrower wave).</summary>
    Pending,

    /// <summary>Downloading, verifying, staging or testing.</summary>
    InProgress,

    /// <summary><c>active</c> on the version.</summary>
    Succeeded,

    /// <summary>Tried and failed: download, verification, smoke test, activation, confirmation.</summary>
    Failed,

    /// <summary>Refused the manifest without trying (signature, runtime, version, an earlier rollback, size).</summary>
    Rejected,

    /// <summary>Neither succeeded nor failed within the plan's in-progress timeout.</summary>
    TimedOut,

    /// <summary>After an abort: switched, then rolled back to its previous version (<c>rollout_aborted</c>).</summary>
    RolledBack,

    /// <summary>After an abort: its update was stopped before the switch (<c>rollout_aborted</c>).</summary>
    Stopped,
}
