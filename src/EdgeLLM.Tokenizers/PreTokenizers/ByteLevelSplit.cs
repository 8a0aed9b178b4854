using System.Text.RegularExpressions;

namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>
/// Recognises the pre-tokenizer every popular byte-level file has (GPT-2's splitting ByteLevel step, or one isolating
/// Split regex followed by a plain ByteLevel step): its words are exactly the regex's matches and the text between
/// them, each written in the byte alphabet. <c>Tokenizer</c> then encodes straight from the matches into the word cache,
/// with no piece strings in between.
/// </summary>
internal static class ByteLevelSplit
{
    /// <summary>The regex whose isolated matches are the words, or null for any other pre-tokenizer.</summary>
    public static Regex? PatternOf(IPreTokenizer? preTokenizer) => preTokenizer switch
    {
        ByteLevelPreTokenizer { AddPrefixSpace: false, UseRegex: true } => ByteLevelPreTokenizer.Gpt2,
        SequencePreTokenizer { Steps: [SplitPreTokenizer { Behavior: SplitBehavior.Isolated } split, ByteLevelPreTokenizer { AddPrefixSpace: false, UseRegex: false }] } => split.Pattern,
        _ => null,
    };
}
