using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Devices;

/// <summary>Turns a device profile into the runtime's options, so the service wires profiles in one place.</summary>
public static class DeviceProfileOptions
{
    /// <summary>Threads and execution providers (in the profile's order) for <see cref="LanguageModel.Load"/>.</summary>
    public static ModelLoadOptions ToModelLoadOptions(this DeviceProfile profile, ModelLoadOptions? baseOptions = null) =>
        (baseOptions ?? new ModelLoadOptions()) with
        {
            IntraOpThreads = profile.Threads,
            Providers = profile.ExecutionProviders,
        };

    /// <summary>Batch size, queue length, the meter and the admission policy (usually the <see cref="RollingEnergyBudget"/>).</summary>
    public static EngineOptions ToEngineOptions(this DeviceProfile profile, IEnergyMeter? meter, IAdmissionPolicy? admission, EngineOptions? baseOptions = null) =>
        (baseOptions ?? new EngineOptions()) with
        {
            MaxBatchSize = profile.MaxConcurrentSequences,
            MaxQueuedRequests = profile.MaxQueuedRequests,
            EnergyMeter = meter,
            Admission = admission,
        };
}
