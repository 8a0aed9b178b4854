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
    /// <paramref name="history"/> that has that many tokens after it (else the match with the longest continuation),
    /// trying shorter n-grams down to one token when the longer do not occur; 0 when nothing matches.
    /// </summary>
    public static int Propose(ReadOnlySpan<int> history, int maxNgram, Span<int> proposal)
    {
        var length = history.Length;
        for (var n = Math.Min(maxNgram, length - 1); n >= 1; n--)
        {
            var tail = history[(length - n)..];
            var best = -1;
            var bestCount = 0;
            // Latest occurrence first: recent text predicts the continuation best. A match must end before the tail;
            // in a run of one repeated token the latest match is followed by a single token, so an earlier one with a
            // full continuation is preferred.
            for (var start = length - n - 1; start >= 0 && bestCount < proposal.Length; start--)
            {
                if (!history.Slice(start, n).SequenceEqual(tail))
                {
                    continue;
                }
                var count = Math.Min(proposal.Length, length - start - n);
                if (count > bestCount)
                {
                    (best, bestCount) = (start + n, count);
                }
            }
            if (best >= 0)
            {
                history.Slice(best, bestCount).CopyTo(proposal);
                return bestCount;
            }
        }
        return 0;
    }
}
