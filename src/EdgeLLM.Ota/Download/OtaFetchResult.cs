namespace EdgeLLM.Ota.Download;

/// <summary>What building a version from its manifest's <c>files</c> took.</summary>
/// <param name="DownloadedBytes">Bytes downloaded (files the device did not hold).</param>
/// <param name="DownloadedFiles">Files downloaded.</param>
/// <param name="ReusedBytes">Bytes copied from versions already on the device.</param>
/// <param name="ReusedFiles">Files copied.</param>
internal sealed record OtaFetchResult(long DownloadedBytes, int DownloadedFiles, long ReusedBytes, int ReusedFiles);
