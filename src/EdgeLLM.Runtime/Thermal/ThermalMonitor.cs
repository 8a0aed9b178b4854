using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Thermal;

/// <summary>
/// Reads the device's temperature from the thermal zones and turns it into a <see cref="ThermalState"/> with
/// hysteresis: Normal becomes Throttled at <c>throttle_c</c> and Paused at <c>pause_c</c>; Paused drops back to
/// Throttled only below <c>throttle_c</c>, and Throttled to Normal only below <c>resume_c</c>.
/// </summary>
public sealed class ThermalMonitor : IDisposable
{
    /// <summary>Zone type fragments that mean CPU or SoC (used when the profile says <c>auto</c>).</summary>
    public static readonly IReadOnlyList<string> CpuZoneHints = ["cpu", "soc", "tj", "x86_pkg", "pkg", "package", "k10temp", "tctl"];

    private const string ThermalDirectory = "/sys/class/thermal";
    private readonly ThermalZone[] _all;
    private readonly ThermalZone[] _watched;
    private readonly ThermalProfile _limits;

    /// <summary>Finds the zones under <paramref name="root"/> and picks those <paramref name="limits"/> names.</summary>
    public ThermalMonitor(ThermalProfile limits, string root = "/")
    {
        _limits = limits;
        var dir = HostPath.Resolve(root, ThermalDirectory);
        var zones = new List<ThermalZone>();
        if (Directory.Exists(dir))
        {
            foreach (var zoneDir in Directory.EnumerateDirectories(dir, "thermal_zone*").Order(StringComparer.Ordinal))
            {
                var type = HostPath.ReadText(Path.Combine(zoneDir, "type"));
                var temp = Path.Combine(zoneDir, "temp");
                if (type is not null && File.Exists(temp))
                {
                    try
                    {
                        zones.Add(new ThermalZone(Path.GetFileName(zoneDir), type, temp));
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // A zone we may not read is one we cannot watch; the others still work.
                    }
                }
            }
        }
        _all = [.. zones];
        _watched = limits.Zone == "auto"
            ? PickCpuZones(_all)
            : [.. _all.Where(z => string.Equals(z.Type, limits.Zone, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Every zone found.</summary>
    public IReadOnlyList<ThermalZone> Zones => _all;

    /// <summary>The zones whose hottest reading decides the state.</summary>
    public IReadOnlyList<ThermalZone> WatchedZones => _watched;

    /// <summary>The current state (Normal until the first <see cref="Update"/>).</summary>
    public ThermalState State { get; private set; }

    /// <summary>The last temperature read, or null when none could be read.</summary>
    public double? LastCelsius { get; private set; }

    /// <summary>The hottest watched zone now, or null when there is none to read.</summary>
    public double? ReadCelsius()
    {
        double? max = null;
        foreach (var zone in _watched)
        {
            if (zone.ReadCelsius() is { } c && (max is null || c > max))
            {
                max = c;
            }
        }
        return max;
    }

    /// <summary>Reads the temperature and moves the state; with no readable zone the state stays as it was.</summary>
    public ThermalState Update()
    {
        LastCelsius = ReadCelsius();
        if (LastCelsius is { } t)
        {
            State = Next(State, t, _limits);
        }
        return State;
    }

    /// <summary>The transition rule, separate so it can be pinned down without sensors.</summary>
    public static ThermalState Next(ThermalState state, double celsius, ThermalProfile limits)
    {
        if (celsius >= limits.PauseC)
        {
            return ThermalState.Paused;
        }
        return state switch
        {
            ThermalState.Paused when celsius >= limits.ThrottleC => ThermalState.Paused,
            ThermalState.Paused or ThermalState.Throttled when celsius >= limits.ResumeC => ThermalState.Throttled,
            ThermalState.Normal when celsius >= limits.ThrottleC => ThermalState.Throttled,
            ThermalState.Normal => ThermalState.Normal,
            _ => ThermalState.Normal,
        };
    }

    /// <summary>Sets the engine's batch limit and admission for <paramref name="state"/>.</summary>
    public void Apply(IInferenceExecutor engine, ThermalState state)
    {
        // BatchLimit clamps to the engine's capacity, so int.MaxValue restores the full batch.
        engine.BatchLimit = state == ThermalState.Normal ? int.MaxValue : _limits.ThrottleBatch;
        engine.AdmissionPaused = state == ThermalState.Paused;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var zone in _all)
        {
            zone.Dispose();
        }
    }

    private static ThermalZone[] PickCpuZones(ThermalZone[] all)
    {
        var cpu = all.Where(z => CpuZoneHints.Any(h => z.Type.Contains(h, StringComparison.OrdinalIgnoreCase))).ToArray();
        // Boards that name no zone after the CPU (only acpitz, say) still have a temperature worth watching.
        return cpu.Length > 0 ? cpu : all;
    }
}
