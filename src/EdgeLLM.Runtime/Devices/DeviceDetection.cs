namespace EdgeLLM.Runtime.Devices;

/// <summary>The profile <see cref="DeviceDetector"/> chose and what it found on the way, for logs and <c>edgellm doctor</c>.</summary>
/// <param name="Profile">The matching profile, or the fallback.</param>
/// <param name="Findings">Human-readable lines: what was read, which rules matched, why the fallback was taken.</param>
public sealed record DeviceDetection(DeviceProfile Profile, IReadOnlyList<string> Findings);
