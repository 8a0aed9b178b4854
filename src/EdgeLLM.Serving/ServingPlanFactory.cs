using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Serving.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Serving;

/// <summary>
/// Turns the device profile (<c>EdgeLLM:Device</c>, else auto-detected, else <c>generic-cpu</c>) and the
/// configuration's overrides into the <see cref="ServingPlan"/> every load uses.
/// </summary>
public static partial class ServingPlanFactory
{
    public static ServingPlan Create(EdgeLLMOptions options, ILogger logger, string fsRoot = "/", TimeProvider? time = null)
    {
        var detection = new DeviceDetector(DeviceProfileCatalog.LoadDefault(), fsRoot).Detect(options.Device);
        var profile = detection.Profile;
        LogProfile(logger, profile.Id, string.Join("; ", detection.Findings));
        var meter = EnergyMeterFactory.Create(profile, fsRoot, time, logger);
        var engine = options.Engine;
        // EdgeLLMOptionsValidator checked EdgeLLM:Engine:Executor and profiles are validated at load: the name is known.
        _ = ExecutorKinds.TryParse(engine.Executor ?? profile.Executor, out var executor);
        return new ServingPlan
        {
            DeviceProfile = profile.Id,
            Executor = executor,
            Providers = profile.ExecutionProviders,
            Threads = engine.Threads ?? profile.Threads,
            MemoryBudgetBytes = profile.MemoryBudgetBytes,
            KvBudgetBytes = profile.KvCacheBudgetBytes,
            MaxBatchSize = engine.MaxBatchSize ?? profile.MaxConcurrentSequences,
            MaxQueuedRequests = engine.MaxQueuedRequests ?? profile.MaxQueuedRequests,
            MaxSequenceLength = engine.MaxSequenceLength ?? 0,
            PrefixCacheBytes = engine.PrefixCacheBytes ?? EngineOptions.DefaultPrefixCacheBytes,
            PrefillChunkTokens = engine.PrefillChunkTokens ?? profile.PrefillChunkTokens ?? EngineOptions.DefaultPrefillChunkTokens,
            SelectLogitsPositions = engine.SelectLogitsPositions ?? ModelLoadOptions.Default.SelectLogitsPositions,
            IntraOpSpinning = engine.IntraOpSpinning ?? ModelLoadOptions.Default.IntraOpSpinning,
            HugePages = engine.HugePages ?? ModelLoadOptions.Default.HugePages,
            PrepackedWeightsDirectory = engine.PrepackedWeights == false ? null
                : engine.PrepackedWeightsDirectory ?? ModelLoadOptions.Default.PrepackedWeightsDirectory,
            OnnxRuntimeLibrary = options.Onnx.LibraryPath,
            RuntimeBytes = ProcessMemory.ResidentBytes(),
            EnergyMeter = meter,
            Admission = RollingEnergyBudget.FromProfile(profile, meter, time),
            Profile = profile,
        };
    }

    [LoggerMessage(EventId = 1230, Level = LogLevel.Information, Message = "Device profile {Profile}: {Why}")]
    private static partial void LogProfile(ILogger logger, string profile, string why);
}
