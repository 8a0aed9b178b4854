namespace EdgeLLM.Ota.Device;

/// <summary>What the checks before any download decided about a manifest.</summary>
/// <param name="Refusal">Why the manifest is refused, or null when it may proceed.</param>
/// <param name="Reason">The refusal's explanation (the status error after the code).</param>
/// <param name="AlreadyActive">The manifest's version and bundle already serve: nothing to do.</param>
public sealed record OtaPreflightResult(OtaErrorCode? Refusal, string? Reason, bool AlreadyActive)
{
    /// <summary>The manifest may be downloaded and installed.</summary>
    public static OtaPreflightResult Proceed { get; } = new(null, null, false);

    /// <summary>The manifest's version already serves.</summary>
    public static OtaPreflightResult Active { get; } = new(null, null, true);

    /// <summary>The manifest is refused with <paramref name="code"/>.</summary>
    public static OtaPreflightResult Refuse(OtaErrorCode code, string reason) => new(code, reason, false);
}
