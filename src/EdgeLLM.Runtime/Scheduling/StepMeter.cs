using System.Diagnostics;
using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// What a run cost: the time since the last mark and the device meter's joules over it (or the meter's estimate for
/// that busy time), shared by the slots in the run. The loop marks before it calls the backend; the backend's report
/// of a run charges and marks again.
/// </summary>
internal sealed class StepMeter(IEnergyMeter? meter)
{
    private long _markTicks;
    private double _markJoules;

    /// <summary>Starts measuring from now; returns the timestamp.</summary>
    public long Mark()
    {
        _markJoules = meter.ReadJoulesOrZero();
        _markTicks = Stopwatch.GetTimestamp();
        return _markTicks;
    }

    /// <summary>Each of <paramref name="count"/> slots' share of the energy since the mark, with the time it covers;
    /// marks again.</summary>
    public double Charge(int count, out TimeSpan elapsed)
    {
        elapsed = Stopwatch.GetElapsedTime(_markTicks);
        var share = meter.ChargeStep(_markJoules, elapsed) / Math.Max(1, count);
        Mark();
        return share;
    }
}
