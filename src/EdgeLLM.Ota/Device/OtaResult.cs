namespace EdgeLLM.Ota.Device;

/// <summary>How a submitted manifest ended.</summary>
/// <param name="Status">The final status (<c>active</c>, <c>rejected</c> or <c>rolled_back</c>).</param>
/// <param name="ErrorCode">Why it was rejected or rolled back; null when active.</param>
/// <param name="Downloaded">True when a bundle was downloaded (false for no-ops and early rejections).</param>
public sealed record OtaResult(OtaStatus Status, OtaErrorCode? ErrorCode, bool Downloaded);
