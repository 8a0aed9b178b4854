using EdgeLLM.Service.Metrics;

namespace EdgeLLM.Service.Hosting;

/// <summary>Turns the configuration (and the device profile) into the <see cref="ServingPlan"/> every load uses.</summary>
public static class ServingPlanFactory
{
    public static ServingPlan Create(EdgeLLMOptions options)
    {
        var engine = options.Engine;
        return new ServingPlan
        {
            Threads = engine.Threads ?? 0,
            MaxBatchSize = engine.MaxBatchSize ?? 8,
            MaxQueuedRequests = engine.MaxQueuedRequests,
            MaxSequenceLength = engine.MaxSequenceLength ?? 0,
            PrefixCacheBytes = engine.PrefixCacheBytes,
            OnnxRuntimeLibrary = options.Onnx.LibraryPath,
            RuntimeBytes = ProcessMemory.ResidentBytes(),
        };
    }
}
