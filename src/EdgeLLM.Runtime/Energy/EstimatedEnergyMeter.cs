namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Energy from the device profile when no counter can be read: idle watts for all wall time, plus the
/// difference to active watts for the time the engine reports busy through <see cref="RecordBusy"/>.
/// </summary>
public sealed class EstimatedEnergyMeter : IEnergyMeter
{
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly double _idleWatts;
    private readonly double _extraWatts;
    private long _busyTicks;
    private long _lastReadAt;
    private double _lastJoules;

    /// <summary>Creates the estimate; <paramref name="activeWatts"/> below <paramref name="idleWatts"/> counts as idle.</summary>
    public EstimatedEnergyMeter(double idleWatts, double activeWatts, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(idleWatts);
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        _lastReadAt = _start;
        _idleWatts = idleWatts;
        _extraWatts = Math.Max(0, activeWatts - idleWatts);
    }

    /// <inheritdoc/>
    public string Source => "estimate";

    /// <inheritdoc/>
    public bool IsEstimate => true;

    /// <inheritdoc/>
    public double ReadJoules()
    {
        var now = _time.GetTimestamp();
        var wall = _time.GetElapsedTime(_start, now).TotalSeconds;
        var busy = TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks)).TotalSeconds;
        var joules = (_idleWatts * wall) + (_extraWatts * busy);
        Volatile.Write(ref _lastJoules, joules);
        Interlocked.Exchange(ref _lastReadAt, now);
        return joules;
    }

    /// <inheritdoc/>
    public double? ReadWatts()
    {
        // The average since the previous read: idle plus the busy share of that interval.
        var before = Volatile.Read(ref _lastJoules);
        var since = Interlocked.Read(ref _lastReadAt);
        var seconds = _time.GetElapsedTime(since).TotalSeconds;
        var now = ReadJoules();
        return seconds > 0 ? (now - before) / seconds : _idleWatts;
    }

    /// <inheritdoc/>
    public void RecordBusy(TimeSpan busy)
    {
        if (busy > TimeSpan.Zero)
        {
            Interlocked.Add(ref _busyTicks, busy.Ticks);
        }
    }
}
