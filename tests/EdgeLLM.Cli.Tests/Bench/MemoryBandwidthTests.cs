using EdgeLLM.Serving;
using EdgeLLM.Cli.Bench;
using EdgeLLM.Service.Metrics;

namespace EdgeLLM.Cli.Tests.Bench;

[Collection(ResidentMemoryCollection.Name)]
public sealed class MemoryBandwidthTests
{
    [Fact]
    public void Triad_measures_a_bandwidth_and_returns_its_768_MiB_to_the_system_when_it_ends()
    {
        // The bench runs in the process of whatever hosts it next (the tests' in-process services measure their own
        // footprint as the process's resident memory): buffers left resident made those services refuse to load.
        var before = ProcessMemory.ResidentBytes();
        var bytesPerSecond = MemoryBandwidth.MeasureTriad(threads: 1, passes: 1);
        var after = ProcessMemory.ResidentBytes();

        Assert.True(bytesPerSecond > 1e8, $"triad {bytesPerSecond:E2} B/s");
        Assert.True(after - before < 128L << 20, $"resident memory grew by {(after - before) >> 20} MiB over the triad");
    }
}
