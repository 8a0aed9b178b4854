namespace EdgeLLM.Ota;

/// <summary>The phases an OTA update reports on <c>{root}/{device}/ota/status</c> (contract section 4).</summary>
public enum OtaPhase
{
    /// <summary>Fetching the bundle; progress is the fraction of bytes received.</summary>
    Downloading,

    /// <summary>Checking the bundle's size and SHA-256.</summary>
    Verifying,

    /// <summary>Extracting the bundle into the staging directory.</summary>
    Staging,

    /// <summary>Memory-budget check and smoke test of the staged model beside the serving one.</summary>
    Testing,

    /// <summary>The model version is serving (also the answer to a manifest that is already active).</summary>
    Active,

    /// <summary>A switched version was not confirmed healthy (or failed to activate) and the previous one serves again.</summary>
    RolledBack,

    /// <summary>The update was refused or failed before the switch; the serving model is untouched.</summary>
    Rejected,
}
