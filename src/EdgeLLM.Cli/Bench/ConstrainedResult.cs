namespace EdgeLLM.Cli.Bench;

/// <summary>
/// What <c>edgellm bench --schema</c> measured: on the model, mask time per constrained token and its share of the
/// decode step, and (with <c>--schema-tokenizer</c>) mask time per token over another vocabulary with random logits,
/// first with cold caches and then warm.
/// </summary>
internal sealed record ConstrainedResult
{
    public required string Schema { get; init; }

    public required int Answers { get; init; }

    public required double MeanTokens { get; init; }

    public required double MaskMsPerToken { get; init; }

    public required double StepMsPerToken { get; init; }

    public required double MaskShareOfStep { get; init; }

    public required string? OtherTokenizer { get; init; }

    public required int? OtherVocabSize { get; init; }

    public required double? OtherColdMaskMsPerToken { get; init; }

    public required double? OtherWarmMaskMsPerToken { get; init; }
}
