using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// A short in-process job with the corpus MB/s column: the machines this runs on are small and shared, where
/// building a separate benchmark process can take longer than BenchmarkDotNet's build timeout.
/// </summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(new CorpusMegabytesPerSecondColumn());
    }
}
