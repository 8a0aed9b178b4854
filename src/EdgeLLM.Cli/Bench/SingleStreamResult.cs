namespace EdgeLLM.Cli.Bench;

/// <summary>One stream's numbers, medians over the measured runs.</summary>
/// <param name="Runtime">Who ran it (<c>EdgeLLM 0.1.0</c>, <c>transformers.js 4.3.1</c>).</param>
/// <param name="LoadMs">Opening the model.</param>
/// <param name="PromptTokens">Prompt length.</param>
/// <param name="GeneratedTokens">Tokens generated per run.</param>
/// <param name="TtftMs">Request start to the first generated token (prefill plus one sampling).</param>
/// <param name="PrefillTokensPerSecond">Prompt tokens over the time to first token.</param>
/// <param name="DecodeTokensPerSecond">Tokens after the first over the time after the first.</param>
/// <param name="TotalMs">Whole request.</param>
/// <param name="PeakRssBytes">Peak resident set of the process (VmHWM); null for the peer.</param>
/// <param name="OutsideOrtShare">Share of decode wall time not spent inside ORT's Run; null for the peer.</param>
/// <param name="StepOverheadShare">Share of engine decode-step time (run, sample, detokenise, emit) not inside ORT's Run; null for the peer.</param>
internal sealed record SingleStreamResult(
    string Runtime, double LoadMs, int PromptTokens, int GeneratedTokens, double TtftMs, double PrefillTokensPerSecond,
    double DecodeTokensPerSecond, double TotalMs, long? PeakRssBytes, double? OutsideOrtShare, double? StepOverheadShare);
