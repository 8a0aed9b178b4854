using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Intel and AMD RAPL through <c>/sys/class/powercap</c>: the package zones' <c>energy_uj</c> counters, summed,
/// with wrap-around at <c>max_energy_range_uj</c>. Files stay open and are read with <c>pread</c> into a stack
/// buffer, so a reading allocates nothing.
/// </summary>
public sealed class RaplEnergyMeter : IEnergyMeter, IDisposable
{
    private readonly SafeFileHandle[] _counters;
    private readonly long[] _ranges;
    private readonly long[] _last;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private double _joules;
    private double _wattsJoules;
    private long _wattsAt;
    private double _watts = double.NaN;

    private RaplEnergyMeter(SafeFileHandle[] counters, long[] ranges, TimeProvider time)
    {
        _counters = counters;
        _ranges = ranges;
        _time = time;
        _last = new long[counters.Length];
        for (var i = 0; i < counters.Length; i++)
        {
            _last[i] = Read(counters[i]);
        }
        _wattsAt = time.GetTimestamp();
    }

    public string Source => "rapl";

    public bool IsEstimate => false;

    /// <summary>Opens the package zones under <paramref name="root"/>, or null when there are none readable.</summary>
    public static RaplEnergyMeter? TryOpen(string root = "/", TimeProvider? time = null)
    {
        var powercap = Path.Combine(root, "sys/class/powercap");
        if (!Directory.Exists(powercap))
        {
            return null;
        }
        var counters = new List<SafeFileHandle>();
        var ranges = new List<long>();
        foreach (var zone in Directory.EnumerateDirectories(powercap).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(zone);
            // Top-level zones only (intel-rapl:0, amd-rapl:0): subzones (core, dram) are inside the package.
            if (name.Count(c => c == ':') != 1 || !File.Exists(Path.Combine(zone, "energy_uj")))
            {
                continue;
            }
            try
            {
                var handle = File.OpenHandle(Path.Combine(zone, "energy_uj"));
                var rangeFile = Path.Combine(zone, "max_energy_range_uj");
                counters.Add(handle);
                ranges.Add(File.Exists(rangeFile) ? long.Parse(File.ReadAllText(rangeFile).Trim()) : long.MaxValue);
            }
            catch (UnauthorizedAccessException)
            {
                // Since 2020 kernels make energy_uj root-only (PLATYPUS); without access, estimate instead.
            }
        }
        return counters.Count == 0 ? null : new RaplEnergyMeter([.. counters], [.. ranges], time ?? TimeProvider.System);
    }

    public double ReadJoules()
    {
        lock (_gate)
        {
            for (var i = 0; i < _counters.Length; i++)
            {
                var now = Read(_counters[i]);
                var delta = now - _last[i];
                if (delta < 0)
                {
                    delta += _ranges[i];
                }
                _last[i] = now;
                _joules += delta / 1e6;
            }
            var elapsed = _time.GetElapsedTime(_wattsAt).TotalSeconds;
            if (elapsed >= 0.5)
            {
                _watts = (_joules - _wattsJoules) / elapsed;
                _wattsJoules = _joules;
                _wattsAt = _time.GetTimestamp();
            }
            return _joules;
        }
    }

    public double? ReadWatts()
    {
        ReadJoules();
        return double.IsNaN(_watts) ? null : _watts;
    }

    public void RecordBusy(TimeSpan busy)
    {
    }

    public void Dispose()
    {
        foreach (var handle in _counters)
        {
            handle.Dispose();
        }
    }

    private static long Read(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[32];
        var read = RandomAccess.Read(handle, buffer, 0);
        return Utf8Parser.TryParse(buffer[..read], out long value, out _) ? value : 0;
    }
}
