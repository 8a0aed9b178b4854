namespace EdgeLLM.Ota.Bundles;

/// <summary>What a device that holds a previous version downloads of a new one packed with <c>files</c>.</summary>
/// <param name="Against">The previous version's directory.</param>
/// <param name="TotalBytes">Bytes of all the new version's files.</param>
/// <param name="ChangedBytes">Bytes of the files the previous version does not hold (by size and SHA-256): what is downloaded.</param>
/// <param name="ChangedFiles">Those files' paths.</param>
/// <param name="FileCount">All the new version's files.</param>
public sealed record OtaPackDelta(string Against, long TotalBytes, long ChangedBytes, IReadOnlyList<string> ChangedFiles, int FileCount)
{
    /// <summary>The share of bytes not downloaded, 0 to 1.</summary>
    public double Saving => TotalBytes == 0 ? 0 : 1 - (double)ChangedBytes / TotalBytes;
}
