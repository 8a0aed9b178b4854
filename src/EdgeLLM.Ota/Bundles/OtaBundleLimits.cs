namespace EdgeLLM.Ota.Bundles;

/// <summary>Caps that keep a hostile bundle from filling the disk or memory while it is extracted.</summary>
/// <param name="MaxExtractedBytes">Most bytes of file content a bundle may extract to.</param>
/// <param name="MaxCompressionRatio">Most extracted bytes per compressed byte (a decompression bomb has thousands).</param>
/// <param name="MaxEntries">Most archive entries (files and directories).</param>
public sealed record OtaBundleLimits(long MaxExtractedBytes, double MaxCompressionRatio, int MaxEntries);
