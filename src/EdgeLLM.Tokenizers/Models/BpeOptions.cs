namespace EdgeLLM.Tokenizers.Models;

/// <summary>The scalar settings of a BPE model section (everything but its vocabulary and merges).</summary>
internal sealed record BpeOptions(string? UnkToken, bool FuseUnk, bool ByteFallback, bool IgnoreMerges, string? ContinuingSubwordPrefix, string? EndOfWordSuffix);
