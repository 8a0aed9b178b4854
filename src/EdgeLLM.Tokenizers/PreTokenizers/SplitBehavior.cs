namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>What a split does with the delimiters it finds (Hugging Face's SplitDelimiterBehavior).</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,

    /// <summary>Keep only the matches (an inverted split in the reference implementation).</summary>
    MatchesOnly,
}
