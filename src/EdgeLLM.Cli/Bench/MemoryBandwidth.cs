using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// This machine's memory bandwidth by a STREAM-style triad, <c>a[i] = b[i] + s * c[i]</c>, over three arrays far larger
/// than any cache, split across the given threads. Bytes counted as STREAM does: 3 × 8 per element (two reads, one
/// write; write-allocate traffic not counted). The best of several passes is reported, as STREAM does.
/// </summary>
internal static class MemoryBandwidth
{
    /// <summary>Elements per array: 3 × 32 Mi doubles = 768 MiB in all, far beyond the caches of any edge CPU.</summary>
    private const int Elements = 32 << 20;

    /// <summary>Bytes per second of the best triad pass with <paramref name="threads"/> threads (0: one per core).</summary>
    public static double MeasureTriad(int threads, int passes = 5)
    {
        var workers = threads > 0 ? threads : Environment.ProcessorCount;
        // Native, so the 768 MiB leave the process when the measurement ends (see NativeDoubleBuffer).
        using var a = new NativeDoubleBuffer(Elements);
        using var b = new NativeDoubleBuffer(Elements);
        using var c = new NativeDoubleBuffer(Elements);
        // Filled before timing so every page is touched: the passes measure memory, not page faults.
        a.Slice(0, Elements).Clear();
        b.Slice(0, Elements).Fill(1);
        c.Slice(0, Elements).Fill(2);
        var best = 0.0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers };
        // Chunks a multiple of the vector width, so only the last has a scalar tail.
        var chunk = Elements / workers / Vector<double>.Count * Vector<double>.Count;
        for (var pass = 0; pass < passes; pass++)
        {
            var started = Stopwatch.GetTimestamp();
            Parallel.For(0, workers, options, w =>
            {
                var from = w * chunk;
                var count = w == workers - 1 ? Elements - from : chunk;
                Triad(a.Slice(from, count), b.Slice(from, count), c.Slice(from, count), 3.0);
            });
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            best = Math.Max(best, 3.0 * sizeof(double) * Elements / seconds);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Triad(Span<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, double scalar)
    {
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
        var vc = MemoryMarshal.Cast<double, Vector<double>>(c);
        var s = new Vector<double>(scalar);
        for (var i = 0; i < va.Length; i++)
        {
            va[i] = vb[i] + s * vc[i];
        }
        for (var i = va.Length * Vector<double>.Count; i < a.Length; i++)
        {
            a[i] = b[i] + scalar * c[i];
        }
    }
}
