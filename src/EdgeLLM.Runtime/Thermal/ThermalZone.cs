using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Thermal;

/// <summary>One <c>/sys/class/thermal/thermal_zoneN</c>: its <c>type</c> and its <c>temp</c> in millidegrees Celsius.</summary>
public sealed class ThermalZone : IDisposable
{
    private readonly SysfsFile _temp;

    internal ThermalZone(string name, string type, string tempPath)
    {
        Name = name;
        Type = type;
        _temp = new SysfsFile(tempPath);
    }

    /// <summary>The directory name, e.g. <c>thermal_zone0</c>.</summary>
    public string Name { get; }

    /// <summary>The zone's type, e.g. <c>cpu-thermal</c>, <c>tj-thermal</c>, <c>x86_pkg_temp</c>.</summary>
    public string Type { get; }

    /// <summary>Degrees Celsius, or null when the sensor cannot be read right now (some zones fail while suspended).</summary>
    public double? ReadCelsius()
    {
        try
        {
            return _temp.TryRead(out var milli) ? milli / 1000.0 : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _temp.Dispose();
}
