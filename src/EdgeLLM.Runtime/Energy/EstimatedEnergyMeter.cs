namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Energy where no meter exists: idle watts for the wall time plus the extra of active over idle watts for the
/// time the engine computed, as the device profile gives them.
/// </summary>
public sealed class EstimatedEnergyMeter(double idleWatts, double activeWatts, TimeProvider? time = null) : IEnergyMeter
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _started = (time ?? TimeProvider.System).GetTimestamp();
    private long _busyTicks;

    public string Source => "estimate";

    public bool IsEstimate => true;

    public double ReadJoules()
    {
        var wall = _time.GetElapsedTime(_started).TotalSeconds;
        var busy = TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks)).TotalSeconds;
        return idleWatts * wall + (activeWatts - idleWatts) * busy;
    }

    public double? ReadWatts() => null;

    public void RecordBusy(TimeSpan busy) => Interlocked.Add(ref _busyTicks, busy.Ticks);
}
