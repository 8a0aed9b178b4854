namespace EdgeLLM.Ota.Device;

/// <summary>
/// The durable steps of an update, in order, reported to <see cref="IOtaStepObserver"/>. Each is a point where
/// a crash leaves a well-defined state on disk; <c>docs/OTA.md</c> lists what start-up makes of each.
/// </summary>
public enum OtaStep
{
    /// <summary>The manifest passed every check and is recorded as pending in the journal.</summary>
    Accepted,

    /// <summary>Bytes of the bundle were written to the <c>.part</c> file.</summary>
    Downloading,

    /// <summary>The whole bundle is on disk; its SHA-256 is about to be checked.</summary>
    Downloaded,

    /// <summary>A file was extracted into the staging directory.</summary>
    StagedFile,

    /// <summary>The staged model is complete and fsynced; the validator runs next.</summary>
    Staged,

    /// <summary>The model passed validation and was moved to <c>models/&lt;model&gt;/versions/&lt;version&gt;</c>.</summary>
    Installed,

    /// <summary>The journal says "switching" to the new version; the <c>current</c> link still points at the old one.</summary>
    Switching,

    /// <summary>The <c>current</c> link points at the new version; the journal has not yet recorded it as active.</summary>
    Switched,

    /// <summary>The journal records the new version as active and unconfirmed, the old one as previous.</summary>
    Committed,

    /// <summary>The host has been told to serve the new model.</summary>
    Activated,
}
