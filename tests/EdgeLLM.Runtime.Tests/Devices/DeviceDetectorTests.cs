using EdgeLLM.Runtime.Devices;

namespace EdgeLLM.Runtime.Tests.Devices;

public class DeviceDetectorTests
{
    private static readonly DeviceProfileCatalog Catalog = DeviceProfileCatalog.Load(Path.Combine(TestPaths.RepoRoot, "device-configs"));

    [Theory]
    [InlineData("raspberry-pi-5", "raspberry-pi-5")]
    [InlineData("jetson-orin-nano-jp6", "jetson-orin-nano")]
    [InlineData("jetson-agx-orin-jp5", "jetson-agx-orin")]
    [InlineData("intel-laptop", "intel-npu-openvino")]
    [InlineData("qualcomm-qcs6490", "qualcomm-qnn")]
    [InlineData("amd-desktop", "generic-cpu")]
    [InlineData("jetson-xavier-nx-l4t32", "generic-cpu")]
    public void Each_fixture_device_gets_its_profile(string fixture, string expected)
    {
        var detection = new DeviceDetector(Catalog, Path.Combine(FixtureTree.Source, fixture)).Detect();
        Assert.Equal(expected, detection.Profile.Id);
        Assert.NotEmpty(detection.Findings);
    }

    [Fact]
    public void Findings_say_what_was_read_and_which_rule_matched()
    {
        var detection = new DeviceDetector(Catalog, Path.Combine(FixtureTree.Source, "jetson-orin-nano-jp6")).Detect();
        Assert.Contains(detection.Findings, f => f.Contains("Orin Nano Engineering Reference Developer Kit Super"));
        Assert.Contains(detection.Findings, f => f.Contains("'jetson-orin-nano' matches") && f.Contains("/etc/nv_tegra_release exists"));
    }

    [Fact]
    public void A_bare_host_falls_back_to_generic_cpu_and_says_so()
    {
        var empty = Directory.CreateTempSubdirectory("edgellm-empty-").FullName;
        try
        {
            var detection = new DeviceDetector(Catalog, empty).Detect();
            Assert.Equal("generic-cpu", detection.Profile.Id);
            Assert.Contains(detection.Findings, f => f.Contains("falling back to 'generic-cpu'"));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void A_configured_profile_wins_over_detection()
    {
        var detection = new DeviceDetector(Catalog, Path.Combine(FixtureTree.Source, "raspberry-pi-5")).Detect("generic-cpu");
        Assert.Equal("generic-cpu", detection.Profile.Id);
        Assert.Contains(detection.Findings, f => f.Contains("configured"));
    }
}
