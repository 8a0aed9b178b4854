using EdgeLLM.Runtime.Devices;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Package energy from the Linux powercap tree (<c>/sys/class/powercap/intel-rapl:N/energy_uj</c>), which Intel
/// and AMD (Zen, via the same driver) both expose. Only top-level <c>package-N</c> zones are summed: the
/// core, uncore and dram subzones are parts of or beside the package, <c>psys</c> contains it, and
/// <c>intel-rapl-mmio</c> mirrors it, so adding any of them would count energy twice.
/// </summary>
public sealed class RaplEnergyMeter : IEnergyMeter, IDisposable
{
    private const string PowercapDirectory = "/sys/class/powercap";
    private readonly Zone[] _zones;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _totalJ;
    private double _wattsJ;
    private long _wattsAt;
    private double? _watts;

    private RaplEnergyMeter(Zone[] zones, TimeProvider time)
    {
        _zones = zones;
        _time = time;
        _wattsAt = time.GetTimestamp();
    }

    /// <summary>The zones summed, e.g. <c>package-0 (intel-rapl:0)</c>.</summary>
    public IReadOnlyList<string> Zones => [.. _zones.Select(z => z.Description)];

    /// <inheritdoc/>
    public string Source => "rapl";

    /// <inheritdoc/>
    public bool IsEstimate => false;

    /// <summary>
    /// Opens the package zones under <paramref name="root"/>; null with <paramref name="reason"/> when there are
    /// none or they cannot be read (since Linux 5.10 <c>energy_uj</c> is readable by root only, CVE-2020-8694).
    /// </summary>
    public static RaplEnergyMeter? TryOpen(string root, TimeProvider? time, out string reason)
    {
        var dir = HostPath.Resolve(root, PowercapDirectory);
        if (!Directory.Exists(dir))
        {
            reason = $"{PowercapDirectory} does not exist";
            return null;
        }
        var zones = new List<Zone>();
        try
        {
            foreach (var zoneDir in Directory.EnumerateDirectories(dir, "intel-rapl:*").Order(StringComparer.Ordinal))
            {
                var dirName = Path.GetFileName(zoneDir);
                var name = HostPath.ReadText(Path.Combine(zoneDir, "name"));
                if (dirName.Count(c => c == ':') != 1 || name is null || !name.StartsWith("package", StringComparison.Ordinal))
                {
                    continue;
                }
                var range = HostPath.ReadText(Path.Combine(zoneDir, "max_energy_range_uj"));
                var counter = new SysfsFile(Path.Combine(zoneDir, "energy_uj"));
                zones.Add(new Zone(counter, long.TryParse(range, out var max) && max > 0 ? max : long.MaxValue, $"{name} ({dirName})"));
            }
            foreach (var zone in zones)
            {
                zone.Last = zone.Counter.Read();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (var zone in zones)
            {
                zone.Counter.Dispose();
            }
            reason = $"RAPL counters cannot be read ({e.Message}); energy_uj is root-only since Linux 5.10";
            return null;
        }
        if (zones.Count == 0)
        {
            reason = $"no package zone under {PowercapDirectory}";
            return null;
        }
        reason = $"RAPL: {string.Join(", ", zones.Select(z => z.Description))}";
        return new RaplEnergyMeter([.. zones], time ?? TimeProvider.System);
    }

    /// <inheritdoc/>
    public double ReadJoules()
    {
        lock (_gate)
        {
            return Advance();
        }
    }

    /// <inheritdoc/>
    public double? ReadWatts()
    {
        lock (_gate)
        {
            var joules = Advance();
            var now = _time.GetTimestamp();
            var seconds = _time.GetElapsedTime(_wattsAt, now).TotalSeconds;
            // The counter updates about every millisecond; shorter spans would mostly measure its granularity.
            if (seconds >= 0.01)
            {
                _watts = (joules - _wattsJ) / seconds;
                _wattsJ = joules;
                _wattsAt = now;
            }
            return _watts;
        }
    }

    /// <inheritdoc/>
    public void RecordBusy(TimeSpan busy)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var zone in _zones)
        {
            zone.Counter.Dispose();
        }
    }

    private double Advance()
    {
        foreach (var zone in _zones)
        {
            if (!zone.Counter.TryRead(out var now))
            {
                continue;
            }
            // The counter wraps to 0 after max_energy_range_uj (a few minutes to hours, depending on the CPU).
            var delta = now >= zone.Last ? now - zone.Last : zone.Range - zone.Last + now;
            zone.Last = now;
            _totalJ += delta / 1e6;
        }
        return _totalJ;
    }

    private sealed class Zone(SysfsFile counter, long range, string description)
    {
        public SysfsFile Counter { get; } = counter;

        public long Range { get; } = range;

        public string Description { get; } = description;

        public long Last { get; set; }
    }
}
