using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Cli.Ota;

/// <summary>What <see cref="OtaManifestCheck"/> found: a verified manifest (and its exact bytes), or why not.</summary>
internal sealed record OtaManifestCheckResult(byte[]? Bytes, OtaManifest? Manifest, string? Note, string? Problem)
{
    public static OtaManifestCheckResult Failed(string problem) => new(null, null, null, problem);
}
