using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Tests.Energy;

public class RaplEnergyMeterTests
{
    private const string Package = "/sys/class/powercap/intel-rapl:0/energy_uj";

    [Fact]
    public void Only_the_package_zone_counts_not_its_subzones_psys_or_the_mmio_mirror()
    {
        using var tree = new FixtureTree("intel-laptop");
        var time = new ManualTimeProvider();
        using var meter = RaplEnergyMeter.TryOpen(tree.Root, time, out var reason)!;
        Assert.Equal(["package-0 (intel-rapl:0)"], meter.Zones);
        Assert.Equal(0, meter.ReadJoules());
        tree.Write(Package, tree.ReadLong(Package) + 12_500_000);
        tree.Write("/sys/class/powercap/intel-rapl:0/intel-rapl:0:0/energy_uj", 99_000_000_000);
        tree.Write("/sys/class/powercap/intel-rapl:1/energy_uj", 199_000_000_000);
        tree.Write("/sys/class/powercap/intel-rapl-mmio:0/energy_uj", 98_000_000_000);
        Assert.Equal(12.5, meter.ReadJoules(), 6);
        Assert.Contains("package-0", reason);
    }

    [Fact]
    public void Watts_come_from_successive_readings()
    {
        using var tree = new FixtureTree("intel-laptop");
        var time = new ManualTimeProvider();
        using var meter = RaplEnergyMeter.TryOpen(tree.Root, time, out _)!;
        Assert.Null(meter.ReadWatts());
        time.Advance(TimeSpan.FromSeconds(2));
        tree.Write(Package, tree.ReadLong(Package) + 30_000_000);
        Assert.Equal(15.0, meter.ReadWatts()!.Value, 6);
    }

    [Fact]
    public void A_counter_wrapping_at_max_energy_range_keeps_the_total_growing()
    {
        using var tree = new FixtureTree("intel-laptop");
        const long max = 262143328850;
        tree.Write(Package, max - 1_000_000);
        using var meter = RaplEnergyMeter.TryOpen(tree.Root, new ManualTimeProvider(), out _)!;
        tree.Write(Package, 3_000_000);
        Assert.Equal(4.0, meter.ReadJoules(), 6);
        tree.Write(Package, 5_000_000);
        Assert.Equal(6.0, meter.ReadJoules(), 6);
    }

    [Fact]
    public void Amd_exposes_the_same_powercap_tree()
    {
        using var tree = new FixtureTree("amd-desktop");
        using var meter = RaplEnergyMeter.TryOpen(tree.Root, new ManualTimeProvider(), out _)!;
        tree.Write(Package, 65532610987 - 500_000);
        Assert.Equal((65532610987 - 500_000 - 65000000000) / 1e6, meter.ReadJoules(), 6);
        tree.Write(Package, 1_500_000);
        Assert.Equal((65532610987 - 65000000000) / 1e6 + 1.5, meter.ReadJoules(), 6);
    }

    [Fact]
    public void A_host_without_powercap_gives_a_reason_instead_of_a_meter()
    {
        using var tree = new FixtureTree("raspberry-pi-5");
        Assert.Null(RaplEnergyMeter.TryOpen(tree.Root, null, out var reason));
        Assert.Contains("powercap", reason);
    }

    [Fact]
    public void Reading_does_not_allocate()
    {
        using var tree = new FixtureTree("intel-laptop");
        using var meter = RaplEnergyMeter.TryOpen(tree.Root, null, out _)!;
        meter.ReadJoules();
        meter.RecordBusy(TimeSpan.FromMilliseconds(1));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            meter.RecordBusy(TimeSpan.FromMilliseconds(1));
            meter.ReadJoules();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
