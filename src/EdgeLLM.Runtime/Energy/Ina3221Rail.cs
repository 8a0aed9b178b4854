namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// One INA3221 channel: either the hwmon pair (<c>in{N}_input</c> mV, <c>curr{N}_input</c> mA; JetPack 5/6) or
/// the older iio power attribute (<c>in_power{N}_input</c> mW; L4T 32 on Nano, TX2, Xavier).
/// </summary>
internal sealed class Ina3221Rail(string name, SysfsFile primary, SysfsFile? current) : IDisposable
{
    public string Name { get; } = name;

    /// <summary>The rail's power in watts, or 0 when the sensor returned nothing usable.</summary>
    public double ReadWatts()
    {
        if (current is null)
        {
            return primary.TryRead(out var milliwatts) ? milliwatts / 1e3 : 0;
        }
        return primary.TryRead(out var millivolts) && current.TryRead(out var milliamps)
            ? millivolts * milliamps / 1e6
            : 0;
    }

    public void Dispose()
    {
        primary.Dispose();
        current?.Dispose();
    }
}
