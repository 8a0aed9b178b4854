namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// The device's energy counter: a hardware meter (RAPL, INA3221 rails, the Raspberry Pi 5 PMIC) or an estimate
/// from the device profile's watts and the engine's busy time. The engine reads it around every step, so
/// implementations read without allocating (pre-opened files, stack buffers).
/// </summary>
public interface IEnergyMeter
{
    /// <summary>Where the numbers come from, e.g. <c>rapl</c>, <c>ina3221</c>, <c>pi5-pmic</c>, <c>estimate</c>.</summary>
    string Source { get; }

    /// <summary>True when the joules are computed from a profile rather than measured.</summary>
    bool IsEstimate { get; }

    /// <summary>Joules since the meter was created; never decreases (counter wrap-around is handled inside).</summary>
    double ReadJoules();

    /// <summary>The latest power draw in watts, or null when the meter cannot tell.</summary>
    double? ReadWatts();

    /// <summary>Tells an estimating meter the engine computed for <paramref name="busy"/>; measuring meters ignore it.</summary>
    void RecordBusy(TimeSpan busy);
}
