using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Tests.Energy;

public class Ina3221EnergyMeterTests
{
    private const string OrinNano = "/sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon1";

    [Fact]
    public void Orin_nano_on_jetpack_6_integrates_the_vdd_in_rail_only()
    {
        using var tree = new FixtureTree("jetson-orin-nano-jp6");
        var time = new ManualTimeProvider();
        using var meter = Ina3221EnergyMeter.TryOpen(tree.Root, time, out var reason)!;
        Assert.Equal(["VDD_IN"], meter.Rails);
        Assert.Contains("VDD_IN", reason);
        var watts = 5.072 * 1.432;
        Assert.Equal(watts, meter.ReadWatts()!.Value, 6);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(watts * 10, meter.ReadJoules(), 6);
        // Load rises: the new power counts from the sample that sees it, 5 s later.
        tree.Write($"{OrinNano}/curr1_input", 2000);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(watts * 15, meter.ReadJoules(), 6);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal((watts * 15) + (5.072 * 2.0 * 5), meter.ReadJoules(), 6);
        Assert.Equal(5.072 * 2.0, meter.ReadWatts()!.Value, 6);
    }

    [Fact]
    public void Agx_orin_without_an_input_rail_sums_every_connected_rail_of_both_monitors()
    {
        using var tree = new FixtureTree("jetson-agx-orin-jp5");
        var time = new ManualTimeProvider();
        using var meter = Ina3221EnergyMeter.TryOpen(tree.Root, time, out _)!;
        Assert.Equal(["VDD_GPU_SOC", "VDD_CPU_CV", "VIN_SYS_5V0", "VDDQ_VDD2_1V8AO"], meter.Rails);
        var watts = (5.008 * 1.2) + (5.008 * 0.4) + (5.0 * 0.8) + (5.0 * 0.2);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(watts * 3, meter.ReadJoules(), 6);
    }

    [Fact]
    public void Xavier_nx_on_l4t_32_reads_milliwatts_from_the_iio_layout()
    {
        using var tree = new FixtureTree("jetson-xavier-nx-l4t32");
        var time = new ManualTimeProvider();
        using var meter = Ina3221EnergyMeter.TryOpen(tree.Root, time, out _)!;
        Assert.Equal(["VDD_IN"], meter.Rails);
        time.Advance(TimeSpan.FromSeconds(4));
        tree.Write("/sys/bus/i2c/drivers/ina3221x/7-0040/iio:device0/in_power0_input", 9000);
        Assert.Equal(4.5 * 4, meter.ReadJoules(), 6);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((4.5 * 4) + 9.0, meter.ReadJoules(), 6);
    }

    [Fact]
    public void Sensors_are_not_read_more_often_than_the_sample_interval()
    {
        using var tree = new FixtureTree("jetson-orin-nano-jp6");
        var time = new ManualTimeProvider();
        using var meter = Ina3221EnergyMeter.TryOpen(tree.Root, time, out _, TimeSpan.FromMilliseconds(100))!;
        tree.Write($"{OrinNano}/curr1_input", 4000);
        time.Advance(TimeSpan.FromMilliseconds(50));
        meter.ReadJoules();
        Assert.Equal(5.072 * 1.432, meter.ReadWatts()!.Value, 6);
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(5.072 * 4.0, meter.ReadWatts()!.Value, 6);
    }

    [Fact]
    public void Reading_does_not_allocate()
    {
        using var tree = new FixtureTree("jetson-orin-nano-jp6");
        using var meter = Ina3221EnergyMeter.TryOpen(tree.Root, null, out _, TimeSpan.Zero)!;
        meter.ReadJoules();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            meter.RecordBusy(TimeSpan.FromMilliseconds(1));
            meter.ReadJoules();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
