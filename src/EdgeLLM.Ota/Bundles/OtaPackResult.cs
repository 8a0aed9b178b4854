using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Bundles;

/// <summary>What <see cref="OtaBundlePacker.PackAsync"/> wrote.</summary>
/// <param name="BundlePath">The <c>.tar.gz</c> bundle.</param>
/// <param name="ManifestPath">The unsigned manifest.</param>
/// <param name="Manifest">The manifest as parsed back.</param>
/// <param name="FileCount">Files packed.</param>
public sealed record OtaPackResult(string BundlePath, string ManifestPath, OtaManifest Manifest, int FileCount);
