namespace EdgeLLM.Cli.Bench;

/// <summary>
/// <c>edgellm bench --draft DIR</c> / <c>--prompt-lookup</c>: greedy decode speed of one stream with and without
/// speculative decoding, over the same prompts, alternating rounds.
/// </summary>
/// <param name="Model">The target model's id.</param>
/// <param name="Draft">The draft model's id, or "prompt lookup".</param>
/// <param name="Prompts">Prompts per round (the model's smoke.json prompts when it has them, else one bench prompt).</param>
/// <param name="GeneratedTokens">Tokens generated per round.</param>
/// <param name="DecodeTokensPerSecond">Without drafting: decode tokens (after the first) over decode time, median of rounds.</param>
/// <param name="SpeculativeDecodeTokensPerSecond">With drafting, the same.</param>
/// <param name="AcceptanceRate">Accepted over drafted tokens.</param>
/// <param name="MeanAcceptedLength">Drafted tokens accepted per verify run (each run also yields one token of the model's own).</param>
/// <param name="DraftedTokens">Tokens drafted over the measured rounds.</param>
/// <param name="AcceptedTokens">Drafted tokens the model accepted.</param>
/// <param name="Identical">True when every round's token ids with drafting equal those without.</param>
/// <param name="TargetRunShare">With drafting: the share of decode-step time inside the model's own runs (verification and
/// plain steps); the rest is mostly the draft's runs.</param>
/// <param name="LoadAverage">The 1-minute load average when the bench ended (the machine may be shared).</param>
internal sealed record SpeculativeResult(
    string Model, string Draft, int Prompts, int GeneratedTokens, double DecodeTokensPerSecond, double SpeculativeDecodeTokensPerSecond,
    double AcceptanceRate, double MeanAcceptedLength, long DraftedTokens, long AcceptedTokens, bool Identical, double TargetRunShare, double LoadAverage)
{
    /// <summary>Decode speed with drafting over without.</summary>
    public double Speedup => DecodeTokensPerSecond <= 0 ? 0 : SpeculativeDecodeTokensPerSecond / DecodeTokensPerSecond;
}
