using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Bundles;

/// <summary>What <see cref="OtaBundlePacker.PackAsync"/> wrote.</summary>
/// <param name="BundlePath">The <c>.tar.gz</c> bundle.</param>
/// <param name="ManifestPath">The unsigned manifest.</param>
/// <param name="Manifest">The manifest as parsed back.</param>
/// <param name="FileCount">Files packed.</param>
public sealed record OtaPackResult(string BundlePath, string ManifestPath, OtaManifest Manifest, int FileCount)
{
    /// <summary>With <see cref="OtaPackRequest.FilesUrl"/>: the directory of the files to publish under that URL.</summary>
    public string? FilesDirectory { get; init; }

    /// <summary>With <see cref="OtaPackRequest.Against"/>: what a device holding that version downloads.</summary>
    public OtaPackDelta? Delta { get; init; }
}
