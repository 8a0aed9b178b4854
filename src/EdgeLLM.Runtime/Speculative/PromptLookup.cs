namespace EdgeLLM.Runtime.Speculative;

/// <summary>
/// Prompt-lookup drafting: the tokens that followed the latest earlier occurrence of the sequence's last n-gram.
/// Answers that quote or repeat their input (extraction, code edits, templated replies) are drafted for free.
/// </summary>
public static class PromptLookup
{
    /// <summary>
    /// Writes up to <c>proposal.Length</c> tokens into <paramref name="proposal"/> and returns how many: the
    /// continuation of the most recent earlier match of the last <paramref name="maxNgram"/> tokens of
    /// <paramref name="history"/>, else of shorter n-grams down to one token; 0 when nothing matches.
    /// </summary>
    public static int Propose(ReadOnlySpan<int> history, int maxNgram, Span<int> proposal)
    {
        var length = history.Length;
        for (var n = Math.Min(maxNgram, length - 1); n >= 1; n--)
        {
            var tail = history[(length - n)..];
            // Latest occurrence first: recent text predicts the continuation best. A match must end before the tail.
            for (var start = length - n - 1; start >= 0; start--)
            {
                if (!history.Slice(start, n).SequenceEqual(tail))
                {
                    continue;
                }
                var from = start + n;
                var count = Math.Min(proposal.Length, length - from);
                history.Slice(from, count).CopyTo(proposal);
                return count;
            }
        }
        return 0;
    }
}
