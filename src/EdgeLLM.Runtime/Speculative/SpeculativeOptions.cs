using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Speculative;

/// <summary>
/// Speculative decoding for <see cref="Scheduling.InferenceEngine"/> (<see cref="SpeculativeDecoder"/>): a draft proposes up to
/// <see cref="MaxDraftTokens"/> tokens per sequence, the model verifies them in one run, and the output is exactly
/// the model's (token for token when greedy, the same distribution when sampling). Drafts come from a smaller model
/// sharing the tokenizer (<see cref="Draft"/>) or, without a model, from the sequence itself (<see cref="PromptLookup"/>).
/// </summary>
public sealed record SpeculativeOptions
{
    /// <summary>The draft model (same tokenizer as the target; see <see cref="DraftPairing"/>). The executor opens its
    /// own batch on it; the model stays its loader's (a <c>LoadedModel</c> owns its draft), never the options'.</summary>
    public LanguageModel? Draft { get; init; }

    /// <summary>Draft by prompt lookup: the continuation of the latest earlier occurrence of the sequence's last
    /// n-gram (no model). Used when <see cref="Draft"/> is null.</summary>
    public bool PromptLookup { get; init; }

    /// <summary>Most tokens drafted for one sequence in one step (k); k adapts per sequence between 1 and this.
    /// Hosts take <see cref="DefaultMaxDraftTokens"/> for the model.</summary>
    public int MaxDraftTokens { get; init; } = 8;

    /// <summary>Models up to this size get the long draft cap: their verify run stays cheap as it widens.</summary>
    public const long SmallModelBytes = 64L << 20;

    /// <summary>
    /// The draft cap that paid on this CPU for a model of <paramref name="weightsBytes"/> (docs/PERFORMANCE.md,
    /// "Speculative decoding"): a small model's verify run costs little more at 13 positions than at 9 (per-run
    /// overhead dominates), so 12 drafted tokens gave 1.88–2.05× against 1.66–1.77× at 8 on the INT4 teacher; a large
    /// model's verify run is compute-bound past a few positions (int4 kernels over several rows), so on qwen2.5-0.5b
    /// 4 gave 2.06× and 8 only 1.33×.
    /// </summary>
    public static int DefaultMaxDraftTokens(long weightsBytes) => weightsBytes <= SmallModelBytes ? 12 : 4;

    /// <summary>k the first sequence starts with (later ones start from the k the last one reached).</summary>
    public int InitialDraftTokens { get; init; } = 4;

    /// <summary>Longest n-gram prompt lookup matches (it tries this length first, then shorter ones).</summary>
    public int PromptLookupMaxNgram { get; init; } = 3;

    /// <summary>True when these options draft at all.</summary>
    public bool Enabled => Draft is not null || PromptLookup;

    /// <summary>The first option out of range as "field: reason", or null.</summary>
    public string? Problem() =>
        MaxDraftTokens is < 1 or > 32 ? "MaxDraftTokens: must be 1 to 32"
        : InitialDraftTokens < 1 || InitialDraftTokens > MaxDraftTokens ? "InitialDraftTokens: must be 1 to MaxDraftTokens"
        : PromptLookupMaxNgram is < 1 or > 8 ? "PromptLookupMaxNgram: must be 1 to 8"
        : null;
}
