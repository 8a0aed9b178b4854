namespace EdgeLLM.Ota.Download;

/// <summary>A completed download.</summary>
/// <param name="Path">The file, exactly the manifest's size (its SHA-256 is for the caller to check).</param>
/// <param name="ResumedFromBytes">Bytes kept from an earlier partial download (0 when it started from scratch).</param>
/// <param name="Requests">HTTP requests made.</param>
public sealed record OtaDownloadResult(string Path, long ResumedFromBytes, int Requests);
