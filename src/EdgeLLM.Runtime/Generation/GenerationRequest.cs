using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Generation;

/// <summary>
/// A completion request as every transport hands it to the runtime. Exactly one of <see cref="Prompt"/>
/// (used as is) and <see cref="Messages"/> (rendered with the model's chat template) is set. Sampling
/// fields left null take the model's <c>genai_config.json</c> search defaults.
/// </summary>
public sealed record GenerationRequest
{
    public required string Id { get; init; }

    public string? Prompt { get; init; }

    /// <summary>
    /// Makes special tokens written in <see cref="Prompt"/> (<c>&lt;|im_end|&gt;</c>, <c>&lt;/s&gt;</c>) plain text
    /// instead of the control tokens they spell. The MQTT and REST transports set it unless the caller opts in with
    /// <c>parse_special_tokens</c> (contract v1.2, "text is text"); local callers that build their own template (the
    /// CLI, the OTA smoke suite, benchmarks) leave it off. Message content is always plain text.
    /// </summary>
    public bool PromptIsPlainText { get; init; }

    public IReadOnlyList<PromptMessage>? Messages { get; init; }

    /// <summary>The model id asked for; null means the one being served.</summary>
    public string? Model { get; init; }

    /// <summary>Tokens to generate at most; null means up to the model's context.</summary>
    public int? MaxTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public float? MinP { get; init; }

    public float? RepetitionPenalty { get; init; }

    public ulong? Seed { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>What the answer must be (a JSON Schema, any JSON object, a pattern); null for free text. A constrained
    /// answer is always complete and valid; stop strings do not apply to it.</summary>
    public OutputConstraint? Constraint { get; init; }

    /// <summary>Keeps generating past end-of-sequence tokens until <see cref="MaxTokens"/> (benchmarks that need a
    /// fixed completion length; no transport sets it).</summary>
    public bool IgnoreEos { get; init; }

    public RequestPriority Priority { get; init; } = RequestPriority.Normal;

    /// <summary>The request fails with <c>deadline_exceeded</c> if it cannot start decoding by this time.</summary>
    public DateTimeOffset? StartDeadline { get; init; }

    /// <summary>Joules this request may use; when spent it stops with <see cref="FinishReason.Budget"/>.</summary>
    public double? EnergyBudgetJ { get; init; }

    /// <summary>When the transport accepted the request: the start of time-to-first-token and deadlines.</summary>
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;
}
