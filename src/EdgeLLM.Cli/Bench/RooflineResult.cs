namespace EdgeLLM.Cli.Bench;

/// <summary>Decode against the memory roofline: one token reads every weight once, so tokens/s × weight bytes per token is
/// the bandwidth decode draws, shown as a share of what a STREAM triad gets from this machine.</summary>
/// <param name="TriadBytesPerSecond">Best STREAM-style triad bandwidth with the bench's thread count.</param>
/// <param name="DecodeWeightBytesPerToken">Weight bytes one decode step reads (int4 data, scales, zero points; the LM head included).</param>
/// <param name="DecodeBytesPerSecond">Single-stream decode tokens/s × <paramref name="DecodeWeightBytesPerToken"/>.</param>
internal sealed record RooflineResult(double TriadBytesPerSecond, long DecodeWeightBytesPerToken, double DecodeBytesPerSecond)
{
    /// <summary>Share of the triad bandwidth single-stream decode uses.</summary>
    public double Share => TriadBytesPerSecond <= 0 ? 0 : DecodeBytesPerSecond / TriadBytesPerSecond;
}
