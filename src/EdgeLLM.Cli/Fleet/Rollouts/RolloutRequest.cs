using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>What the operator asked <c>fleet rollout</c> for: the manifest, to whom, under which plan and name.</summary>
/// <param name="Name">The rollout's name: its retained state is at <c>{root}/fleet/{name}/rollout</c>.</param>
/// <param name="Manifest">The manifest (its <c>rollout</c> and <c>signature</c> are replaced for each wave).</param>
/// <param name="ManifestJson">The manifest as given.</param>
/// <param name="Group">The target group, or null for <paramref name="DeviceList"/>.</param>
/// <param name="DeviceList">The target devices, or null for <paramref name="Group"/>.</param>
/// <param name="Plan">The plan (a resumed rollout keeps the one it started with).</param>
internal sealed record RolloutRequest(string Name, OtaManifest Manifest, byte[] ManifestJson, string? Group, IReadOnlyList<string>? DeviceList, RolloutPlan Plan)
{
    /// <summary>The manifest's own seed, else <c>model-version</c>: a fresh shuffle of the fleet per version.</summary>
    public string Seed => Manifest.Rollout.Seed is { Length: > 0 } seed ? seed : $"{Manifest.Model}-{Manifest.Version}";
}
