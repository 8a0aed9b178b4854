namespace EdgeLLM.Ota.Manifests;

/// <summary>
/// One file of a model version as its manifest lists it (<c>files</c>, an extension documented in docs/OTA.md): the
/// device reuses a file it already holds with this size and SHA-256 and downloads only the others, one by one.
/// </summary>
/// <param name="Path">Relative path inside the model directory, <c>/</c>-separated, no <c>.</c> or <c>..</c> segment.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256, 64 lower-case hex digits.</param>
/// <param name="Url">Where the file alone can be downloaded (absolute http or https on a device).</param>
public sealed record OtaManifestFile(string Path, long Size, string Sha256, Uri? Url);
