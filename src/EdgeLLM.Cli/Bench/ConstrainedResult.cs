namespace EdgeLLM.Cli.Bench;

/// <summary>
/// What <c>edgellm bench --schema</c> measured: on the model, mask time per constrained token and its share of the
/// decode step, and (with <c>--schema-tokenizer</c>) mask time per token over another vocabulary with random logits,
/// first with cold caches and then warm.
/// </summary>
internal sealed record ConstrainedResult(
    string Schema, int Answers, double MeanTokens, double MaskMsPerToken, double StepMsPerToken, double MaskShareOfStep,
    string? OtherTokenizer, int? OtherVocabSize, double? OtherColdMaskMsPerToken, double? OtherWarmMaskMsPerToken);
