using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Tests.Energy;

public class EnergyMeterFactoryTests
{
    private static readonly DeviceProfileCatalog Catalog = DeviceProfileCatalog.Load(Path.Combine(TestPaths.RepoRoot, "device-configs"));

    [Theory]
    [InlineData("intel-laptop", "rapl")]
    [InlineData("amd-desktop", "rapl")]
    [InlineData("jetson-orin-nano-jp6", "ina3221")]
    [InlineData("jetson-xavier-nx-l4t32", "ina3221")]
    [InlineData("raspberry-pi-5", "estimate")]
    [InlineData("qualcomm-qcs6490", "estimate")]
    public void Auto_takes_the_first_meter_the_host_has(string fixture, string source)
    {
        var meter = EnergyMeterFactory.Create(Catalog.Get("generic-cpu"), Path.Combine(FixtureTree.Source, fixture));
        Assert.Equal(source, meter.Source);
        (meter as IDisposable)?.Dispose();
    }

    [Fact]
    public void A_named_meter_the_host_lacks_falls_back_to_the_profiles_estimate()
    {
        var profile = Catalog.Get("intel-npu-openvino");
        var meter = EnergyMeterFactory.Create(profile, Path.Combine(FixtureTree.Source, "jetson-orin-nano-jp6"));
        Assert.IsType<EstimatedEnergyMeter>(meter);
    }

    [Fact]
    public void Estimate_is_used_when_asked_for_even_with_a_counter_present()
    {
        var profile = Catalog.Get("qualcomm-qnn");
        Assert.IsType<EstimatedEnergyMeter>(EnergyMeterFactory.Create(profile, Path.Combine(FixtureTree.Source, "intel-laptop")));
    }
}
