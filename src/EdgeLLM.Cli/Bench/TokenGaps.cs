using System.Diagnostics;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// The gaps between two tokens of a stream, from the times its deltas arrived: the median over every stream (about
/// a decode step), and the longest gap of a stream that was already running while another request was being
/// admitted (from its arrival to its first token). Without chunked prefill that gap is a whole prompt's prefill.
/// </summary>
internal static class TokenGaps
{
    /// <summary>When one stream arrived and when each of its deltas came (<see cref="Stopwatch"/> timestamps).</summary>
    internal sealed record StreamTimes(long Arrived, IReadOnlyList<long> Deltas);

    public static (double MedianMs, double MaxWhileAdmittingMs) Measure(IReadOnlyList<StreamTimes> streams)
    {
        var all = new List<double>();
        var maxWhileAdmitting = 0.0;
        for (var s = 0; s < streams.Count; s++)
        {
            var deltas = streams[s].Deltas;
            for (var k = 1; k < deltas.Count; k++)
            {
                var gap = Stopwatch.GetElapsedTime(deltas[k - 1], deltas[k]).TotalMilliseconds;
                all.Add(gap);
                if (gap > maxWhileAdmitting && OtherAdmitted(streams, s, deltas[k - 1], deltas[k]))
                {
                    maxWhileAdmitting = gap;
                }
            }
        }
        return (all.Count == 0 ? 0 : Stats.Percentile(all, 50), maxWhileAdmitting);
    }

    /// <summary>True when another stream's admission (arrival to first token) overlaps the gap from
    /// <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static bool OtherAdmitted(IReadOnlyList<StreamTimes> streams, int self, long from, long to)
    {
        for (var o = 0; o < streams.Count; o++)
        {
            if (o != self && streams[o].Deltas.Count > 0 && streams[o].Arrived < to && streams[o].Deltas[0] > from)
            {
                return true;
            }
        }
        return false;
    }
}
