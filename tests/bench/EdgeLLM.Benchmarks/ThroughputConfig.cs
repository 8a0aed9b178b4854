using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace EdgeLLM.Benchmarks;

/// <summary>A short job (the machines this runs on are small and shared) with the corpus MB/s column.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1));
        AddColumn(new CorpusMegabytesPerSecondColumn());
    }
}
