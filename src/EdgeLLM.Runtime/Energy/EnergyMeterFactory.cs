using EdgeLLM.Runtime.Devices;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Opens the energy meter a device profile asks for. <c>auto</c> tries RAPL, the INA3221 rails, the Pi 5 PMIC,
/// then the estimate; a named meter that cannot be opened also falls back to the estimate, with a warning, since
/// a service without a counter should still serve (its budgets then rest on the profile's watts).
/// </summary>
public static partial class EnergyMeterFactory
{
    /// <summary>The vcgencmd binary Raspberry Pi OS installs.</summary>
    public const string VcgencmdPath = "/usr/bin/vcgencmd";

    /// <summary>Creates the meter for <paramref name="profile"/>, reading the host under <paramref name="fsRoot"/>.</summary>
    public static IEnergyMeter Create(DeviceProfile profile, string fsRoot = "/", TimeProvider? timeProvider = null, ILogger? logger = null) =>
        Choose(profile, fsRoot, timeProvider, logger).Meter;

    /// <summary>Like <see cref="Create"/>, also saying why that meter was taken.</summary>
    public static EnergyMeterChoice Choose(DeviceProfile profile, string fsRoot = "/", TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        var log = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var wanted = profile.Energy.Meter;
        var tried = new List<string>();
        foreach (var kind in wanted == "auto" ? ["rapl", "ina3221", "pi5-pmic"] : new[] { wanted })
        {
            if (kind == "estimate")
            {
                break;
            }
            var meter = TryOpen(kind, fsRoot, time, out var reason);
            if (meter is not null)
            {
                LogChosen(log, meter.Source, profile.Id, reason);
                return new EnergyMeterChoice(meter, reason);
            }
            tried.Add($"{kind}: {reason}");
        }
        var estimate = new EstimatedEnergyMeter(profile.Energy.IdleWatts, profile.Energy.ActiveWatts, time);
        var why = tried.Count == 0 ? "the profile asks for it" : string.Join("; ", tried);
        if (wanted is "auto" or "estimate")
        {
            LogEstimate(log, profile.Id, profile.Energy.IdleWatts, profile.Energy.ActiveWatts, why);
        }
        else
        {
            LogFallback(log, wanted, profile.Id, why);
        }
        return new EnergyMeterChoice(estimate, $"estimated from the profile ({profile.Energy.IdleWatts} W idle, {profile.Energy.ActiveWatts} W busy): {why}");
    }

    /// <summary>Opens one kind of hardware meter; null with <paramref name="reason"/> when it is not there.</summary>
    public static IEnergyMeter? TryOpen(string kind, string fsRoot, TimeProvider time, out string reason)
    {
        switch (kind)
        {
            case "rapl":
                return RaplEnergyMeter.TryOpen(fsRoot, time, out reason);
            case "ina3221":
                return Ina3221EnergyMeter.TryOpen(fsRoot, time, out reason);
            case "pi5-pmic":
                return TryOpenPmic(fsRoot, time, out reason);
            default:
                reason = $"unknown meter '{kind}'";
                return null;
        }
    }

    private static Pi5PmicEnergyMeter? TryOpenPmic(string fsRoot, TimeProvider time, out string reason)
    {
        var vcgencmd = HostPath.Resolve(fsRoot, VcgencmdPath);
        if (!File.Exists(vcgencmd))
        {
            reason = $"{VcgencmdPath} not found";
            return null;
        }
        var meter = new Pi5PmicEnergyMeter(new VcgencmdPmicSource(vcgencmd), time, Timeout.InfiniteTimeSpan);
        try
        {
            // One sample up front proves the command works here (a Pi 4 has vcgencmd but no PMIC ADC).
            var watts = meter.SampleAsync().GetAwaiter().GetResult();
            meter.Dispose();
            reason = $"PMIC rails via {VcgencmdPath} ({watts:F2} W now)";
            return new Pi5PmicEnergyMeter(new VcgencmdPmicSource(vcgencmd), time);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            meter.Dispose();
            reason = $"{VcgencmdPath} pmic_read_adc failed: {e.Message}";
            return null;
        }
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Energy meter {Source} for device profile {Profile}: {Reason}")]
    private static partial void LogChosen(ILogger logger, string source, string profile, string reason);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Energy is estimated for device profile {Profile} ({IdleWatts} W idle, {ActiveWatts} W busy): {Reason}")]
    private static partial void LogEstimate(ILogger logger, string profile, double idleWatts, double activeWatts, string reason);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Energy meter {Meter} asked for by device profile {Profile} is not usable, estimating instead: {Reason}")]
    private static partial void LogFallback(ILogger logger, string meter, string profile, string reason);
}
