namespace EdgeLLM.Service.Metrics;

/// <summary>A Prometheus histogram with fixed upper bounds; observing is lock-free.</summary>
public sealed class Histogram(double[] upperBounds)
{
    private readonly long[] _counts = new long[upperBounds.Length + 1];
    private long _sumMicros;
    private long _count;

    public static double[] LatencySeconds => [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    public void Observe(double value)
    {
        var i = 0;
        while (i < upperBounds.Length && value > upperBounds[i])
        {
            i++;
        }
        Interlocked.Increment(ref _counts[i]);
        Interlocked.Add(ref _sumMicros, (long)(value * 1e6));
        Interlocked.Increment(ref _count);
    }

    /// <summary>Writes the <c>_bucket</c> (cumulative), <c>_sum</c> and <c>_count</c> series.</summary>
    public void Write(PrometheusWriter writer, string name, string labels)
    {
        var cumulative = 0L;
        var prefix = labels.Length == 0 ? "" : labels + ",";
        for (var i = 0; i < upperBounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            writer.Sample(name + "_bucket", $"{prefix}le=\"{PrometheusWriter.Format(upperBounds[i])}\"", cumulative);
        }
        cumulative += Interlocked.Read(ref _counts[^1]);
        writer.Sample(name + "_bucket", $"{prefix}le=\"+Inf\"", cumulative);
        writer.Sample(name + "_sum", labels, Interlocked.Read(ref _sumMicros) / 1e6);
        writer.Sample(name + "_count", labels, Interlocked.Read(ref _count));
    }
}
