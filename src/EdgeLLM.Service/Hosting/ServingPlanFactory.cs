using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Energy;
using EdgeLLM.Service.Metrics;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// Turns the device profile (<c>EdgeLLM:Device</c>, else auto-detected, else <c>generic-cpu</c>) and the
/// configuration's overrides into the <see cref="ServingPlan"/> every load uses.
/// </summary>
public static partial class ServingPlanFactory
{
    public static ServingPlan Create(EdgeLLMOptions options, ILogger logger, string fsRoot = "/")
    {
        var catalog = DeviceProfileCatalog.Load();
        DeviceProfile profile;
        if (options.Device is { Length: > 0 } chosen)
        {
            profile = catalog.Get(chosen);
            LogProfile(logger, profile.Id, "configured (EdgeLLM:Device)");
        }
        else
        {
            var detection = new DeviceDetector(fsRoot).Detect(catalog);
            profile = detection.Profile;
            LogProfile(logger, profile.Id, string.Join("; ", detection.Findings));
        }
        var meter = CreateMeter(profile, fsRoot, logger);
        var engine = options.Engine;
        return new ServingPlan
        {
            DeviceProfile = profile.Id,
            Providers = profile.Providers,
            Threads = engine.Threads ?? profile.Threads,
            MemoryBudgetBytes = profile.MemoryBudgetBytes,
            KvBudgetBytes = profile.KvCacheBudgetBytes,
            MaxBatchSize = engine.MaxBatchSize ?? profile.MaxConcurrentSequences,
            MaxQueuedRequests = engine.MaxQueuedRequests,
            MaxSequenceLength = engine.MaxSequenceLength ?? 0,
            PrefixCacheBytes = engine.PrefixCacheBytes,
            OnnxRuntimeLibrary = options.Onnx.LibraryPath,
            RuntimeBytes = ProcessMemory.ResidentBytes(),
            EnergyMeter = meter,
            Admission = profile.Energy.RollingBudgetJPerHour > 0
                ? new RollingEnergyBudget(meter, profile.Energy.RollingBudgetJPerHour, profile.Energy.ExemptHighPriority)
                : null,
            Profile = profile,
        };
    }

    /// <summary>The profile's meter where the hardware has it; the estimate from its watts otherwise, saying why.</summary>
    public static IEnergyMeter CreateMeter(DeviceProfile profile, string fsRoot, ILogger logger)
    {
        var wanted = profile.Energy.Meter;
        if (wanted is "rapl" or "auto" && RaplEnergyMeter.TryOpen(fsRoot) is { } rapl)
        {
            LogMeter(logger, "rapl", "package counters under /sys/class/powercap");
            return rapl;
        }
        var reason = wanted switch
        {
            "estimate" => "the profile asks for the estimate",
            "rapl" or "auto" => "no readable RAPL counters under /sys/class/powercap",
            _ => $"the '{wanted}' meter is not available on this machine",
        };
        LogMeter(logger, "estimate", $"{reason}; idle {profile.Energy.IdleWatts} W, active {profile.Energy.ActiveWatts} W");
        return new EstimatedEnergyMeter(profile.Energy.IdleWatts, profile.Energy.ActiveWatts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device profile {Profile}: {Why}")]
    private static partial void LogProfile(ILogger logger, string profile, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Energy meter {Meter}: {Why}")]
    private static partial void LogMeter(ILogger logger, string meter, string why);
}
