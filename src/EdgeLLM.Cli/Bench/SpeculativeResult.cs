namespace EdgeLLM.Cli.Bench;

/// <summary>
/// <c>edgellm bench --draft DIR</c> / <c>--prompt-lookup</c>: greedy decode speed of one stream with and without
/// speculative decoding, over the same prompts, alternating rounds.
/// </summary>
internal sealed record SpeculativeResult
{
    /// <summary>The target model's id.</summary>
    public required string Model { get; init; }

    /// <summary>The draft model's id, or "prompt lookup".</summary>
    public required string Draft { get; init; }

    /// <summary>Prompts per round (the model's smoke.json prompts when it has them, else one bench prompt).</summary>
    public required int Prompts { get; init; }

    /// <summary>Tokens generated per round.</summary>
    public required int GeneratedTokens { get; init; }

    /// <summary>Without drafting: decode tokens (after the first) over decode time, median of rounds.</summary>
    public required double DecodeTokensPerSecond { get; init; }

    /// <summary>With drafting, the same.</summary>
    public required double SpeculativeDecodeTokensPerSecond { get; init; }

    /// <summary>Accepted over drafted tokens.</summary>
    public required double AcceptanceRate { get; init; }

    /// <summary>Drafted tokens accepted per verify run (each run also yields one token of the model's own).</summary>
    public required double MeanAcceptedLength { get; init; }

    /// <summary>Tokens drafted over the measured rounds.</summary>
    public required long DraftedTokens { get; init; }

    /// <summary>Drafted tokens the model accepted.</summary>
    public required long AcceptedTokens { get; init; }

    /// <summary>True when every round's token ids with drafting equal those without.</summary>
    public required bool Identical { get; init; }

    /// <summary>With drafting: the share of decode-step time inside the model's own runs (verification and plain steps); the rest is mostly the draft's runs.</summary>
    public required double TargetRunShare { get; init; }

    /// <summary>The 1-minute load average when the bench ended (the machine may be shared).</summary>
    public required double LoadAverage { get; init; }

    /// <summary>Decode speed with drafting over without.</summary>
    public double Speedup => DecodeTokensPerSecond <= 0 ? 0 : SpeculativeDecodeTokensPerSecond / DecodeTokensPerSecond;
}
