namespace EdgeLLM.Cli.Bench;

/// <summary>One stream's numbers, medians over the measured runs.</summary>
internal sealed record SingleStreamResult
{
    /// <summary>Who ran it (<c>EdgeLLM 0.1.0</c>, <c>transformers.js 4.3.1</c>).</summary>
    public required string Runtime { get; init; }

    /// <summary>Opening the model.</summary>
    public required double LoadMs { get; init; }

    /// <summary>Prompt length.</summary>
    public required int PromptTokens { get; init; }

    /// <summary>Tokens generated per run.</summary>
    public required int GeneratedTokens { get; init; }

    /// <summary>Request start to the first generated token (prefill plus one sampling).</summary>
    public required double TtftMs { get; init; }

    /// <summary>Prompt tokens over the time to first token.</summary>
    public required double PrefillTokensPerSecond { get; init; }

    /// <summary>Tokens after the first over the time after the first.</summary>
    public required double DecodeTokensPerSecond { get; init; }

    /// <summary>Whole request.</summary>
    public required double TotalMs { get; init; }

    /// <summary>Peak resident set of the process (VmHWM); null for the peer.</summary>
    public required long? PeakRssBytes { get; init; }

    /// <summary>Share of decode wall time not spent inside ORT's Run; null for the peer.</summary>
    public required double? OutsideOrtShare { get; init; }

    /// <summary>Share of engine decode-step time (run, sample, detokenise, emit) not inside ORT's Run; null for the peer.</summary>
    public required double? StepOverheadShare { get; init; }
}
