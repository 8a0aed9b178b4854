using EdgeLLM.Runtime.Devices;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Energy of a Jetson from its INA3221 power monitors, integrated over time. When a rail measures the module's
/// input (<c>VDD_IN</c> on Orin Nano/NX and Xavier NX, <c>POM_5V_IN</c> on Nano) only that one counts, as the
/// others are parts of it; otherwise (AGX Orin, AGX Xavier) all connected rails are summed. Each read of a rail
/// is an I2C transaction, so the sensors are sampled at most every <see cref="MinSampleInterval"/> and reads in
/// between extrapolate the latest power.
/// </summary>
public sealed class Ina3221EnergyMeter : IEnergyMeter, IDisposable
{
    /// <summary>Rail names that carry the whole module's input power.</summary>
    public static readonly IReadOnlyList<string> InputRailNames = ["VDD_IN", "POM_5V_IN"];

    private static readonly string[] HwmonDrivers = ["/sys/bus/i2c/drivers/ina3221"];
    private static readonly string[] IioDrivers = ["/sys/bus/i2c/drivers/ina3221x"];
    private readonly Ina3221Rail[] _rails;
    private readonly TimeProvider _time;
    private readonly PowerIntegrator _integrator;
    private readonly long _minInterval;
    private long _lastSampleAt;

    private Ina3221EnergyMeter(Ina3221Rail[] rails, TimeProvider time, TimeSpan minSampleInterval)
    {
        _rails = rails;
        _time = time;
        _integrator = new PowerIntegrator(time);
        _minInterval = (long)(minSampleInterval.TotalSeconds * time.TimestampFrequency);
        MinSampleInterval = minSampleInterval;
        Sample();
    }

    /// <summary>The rails summed.</summary>
    public IReadOnlyList<string> Rails => [.. _rails.Select(r => r.Name)];

    /// <summary>The shortest time between two sensor reads.</summary>
    public TimeSpan MinSampleInterval { get; }

    /// <inheritdoc/>
    public string Source => "ina3221";

    /// <inheritdoc/>
    public bool IsEstimate => false;

    /// <summary>Opens the rails under <paramref name="root"/>; null with <paramref name="reason"/> when there are none.</summary>
    public static Ina3221EnergyMeter? TryOpen(string root, TimeProvider? time, out string reason, TimeSpan? minSampleInterval = null)
    {
        var rails = new List<Ina3221Rail>();
        try
        {
            foreach (var driver in HwmonDrivers)
            {
                foreach (var hwmon in Find(HostPath.Resolve(root, driver), "hwmon", "hwmon*"))
                {
                    for (var n = 1; n <= 3; n++)
                    {
                        var label = HostPath.ReadText(Path.Combine(hwmon, $"in{n}_label"));
                        var volts = Path.Combine(hwmon, $"in{n}_input");
                        var amps = Path.Combine(hwmon, $"curr{n}_input");
                        if (label is not null && label != "NC" && File.Exists(volts) && File.Exists(amps))
                        {
                            rails.Add(new Ina3221Rail(label, new SysfsFile(volts), new SysfsFile(amps)));
                        }
                    }
                }
            }
            foreach (var driver in IioDrivers)
            {
                foreach (var iio in Find(HostPath.Resolve(root, driver), null, "iio:device*"))
                {
                    for (var n = 0; n <= 2; n++)
                    {
                        var label = HostPath.ReadText(Path.Combine(iio, $"rail_name_{n}"));
                        var power = Path.Combine(iio, $"in_power{n}_input");
                        if (label is not null && label != "NC" && File.Exists(power))
                        {
                            rails.Add(new Ina3221Rail(label, new SysfsFile(power), null));
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            rails.ForEach(r => r.Dispose());
            reason = $"INA3221 rails cannot be read: {e.Message}";
            return null;
        }
        if (rails.Count == 0)
        {
            reason = "no INA3221 rails (ina3221 hwmon or ina3221x iio) found";
            return null;
        }
        var input = rails.FirstOrDefault(r => InputRailNames.Contains(r.Name));
        var used = input is null ? rails : [input];
        foreach (var unused in rails.Except(used))
        {
            unused.Dispose();
        }
        reason = input is null
            ? $"INA3221: sum of rails {string.Join(", ", used.Select(r => r.Name))}"
            : $"INA3221: input rail {input.Name}";
        return new Ina3221EnergyMeter([.. used], time ?? TimeProvider.System, minSampleInterval ?? TimeSpan.FromMilliseconds(20));
    }

    /// <inheritdoc/>
    public double ReadJoules()
    {
        var now = _time.GetTimestamp();
        if (now - Interlocked.Read(ref _lastSampleAt) >= _minInterval)
        {
            Sample();
        }
        return _integrator.Joules();
    }

    /// <inheritdoc/>
    public double? ReadWatts()
    {
        ReadJoules();
        return _integrator.Watts;
    }

    /// <inheritdoc/>
    public void RecordBusy(TimeSpan busy)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var rail in _rails)
        {
            rail.Dispose();
        }
    }

    private void Sample()
    {
        var watts = 0.0;
        foreach (var rail in _rails)
        {
            watts += rail.ReadWatts();
        }
        Interlocked.Exchange(ref _lastSampleAt, _time.GetTimestamp());
        _integrator.Sample(watts);
    }

    /// <summary>Directories <c>driver/*/[middle/]pattern</c>: the device directories are named after the I2C address.</summary>
    private static IEnumerable<string> Find(string driver, string? middle, string pattern)
    {
        if (!Directory.Exists(driver))
        {
            yield break;
        }
        foreach (var device in Directory.EnumerateDirectories(driver).Order(StringComparer.Ordinal))
        {
            var parent = middle is null ? device : Path.Combine(device, middle);
            if (!Directory.Exists(parent))
            {
                continue;
            }
            foreach (var dir in Directory.EnumerateDirectories(parent, pattern).Order(StringComparer.Ordinal))
            {
                yield return dir;
            }
        }
    }
}
