using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Thermal;

namespace EdgeLLM.Runtime.Tests.Thermal;

public class ThermalMonitorTests
{
    private static readonly ThermalProfile Pi5 = new() { Zone = "cpu-thermal", ThrottleC = 75, PauseC = 82, ResumeC = 70, ThrottleBatch = 1 };

    [Fact]
    public void Temperature_moves_the_state_with_hysteresis()
    {
        using var tree = new FixtureTree("raspberry-pi-5");
        using var monitor = new ThermalMonitor(Pi5, tree.Root);
        var zone = "/sys/class/thermal/thermal_zone0/temp";
        (int MilliC, ThermalState Expected)[] steps =
        [
            (52150, ThermalState.Normal),
            (74999, ThermalState.Normal),
            (76000, ThermalState.Throttled),
            (72000, ThermalState.Throttled),  // below throttle but above resume: stays throttled
            (83000, ThermalState.Paused),
            (78000, ThermalState.Paused),     // cooled, but not below throttle yet
            (74000, ThermalState.Throttled),
            (70500, ThermalState.Throttled),
            (69000, ThermalState.Normal),
        ];
        foreach (var (milli, expected) in steps)
        {
            tree.Write(zone, milli);
            Assert.Equal(expected, monitor.Update());
            Assert.Equal(milli / 1000.0, monitor.LastCelsius);
        }
    }

    [Fact]
    public void Auto_watches_the_hottest_cpu_or_soc_zone_and_ignores_the_others()
    {
        using var tree = new FixtureTree("jetson-xavier-nx-l4t32");
        using var monitor = new ThermalMonitor(new ThermalProfile { Zone = "auto" }, tree.Root);
        // PMIC-Die reads a constant 100 C on these boards; it must not pause the device.
        Assert.DoesNotContain(monitor.WatchedZones, z => z.Type == "PMIC-Die");
        Assert.Equal(38.5, monitor.ReadCelsius());
        tree.Write("/sys/class/thermal/thermal_zone1/temp", 91000);
        Assert.Equal(91.0, monitor.ReadCelsius());
    }

    [Fact]
    public void Intel_auto_uses_the_package_sensor_not_the_acpi_zone()
    {
        using var tree = new FixtureTree("intel-laptop");
        using var monitor = new ThermalMonitor(new ThermalProfile { Zone = "auto" }, tree.Root);
        Assert.Equal(["x86_pkg_temp"], monitor.WatchedZones.Select(z => z.Type));
        Assert.Equal(4, monitor.Zones.Count);
    }

    [Fact]
    public void A_named_zone_is_used_as_is_and_a_missing_one_watches_nothing()
    {
        using var tree = new FixtureTree("jetson-orin-nano-jp6");
        using var tj = new ThermalMonitor(new ThermalProfile { Zone = "tj-thermal" }, tree.Root);
        Assert.Equal(["tj-thermal"], tj.WatchedZones.Select(z => z.Type));
        using var none = new ThermalMonitor(new ThermalProfile { Zone = "no-such-zone" }, tree.Root);
        Assert.Empty(none.WatchedZones);
        Assert.Null(none.ReadCelsius());
        Assert.Equal(ThermalState.Normal, none.Update());
    }
}
