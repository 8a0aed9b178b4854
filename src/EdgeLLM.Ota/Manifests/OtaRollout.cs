using EdgeLLM.Ota.Device;

namespace EdgeLLM.Ota.Manifests;

/// <summary>
/// Which share of the fleet takes an update: a device takes part when
/// <see cref="RolloutSelector.Bucket(string, string)"/> of its id and <see cref="Seed"/> is below <see cref="Percent"/>.
/// </summary>
/// <param name="Percent">0 to 100; 100 means every device.</param>
/// <param name="Seed">Mixed into the hash so that each rollout wave picks a different slice of the fleet.</param>
public sealed record OtaRollout(int Percent, string Seed)
{
    /// <summary>Every device, the default when a manifest has no <c>rollout</c>.</summary>
    public static OtaRollout Everyone { get; } = new(100, "");
}
