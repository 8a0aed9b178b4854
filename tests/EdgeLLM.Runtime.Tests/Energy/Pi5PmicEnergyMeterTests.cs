using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Tests.Energy;

public class Pi5PmicEnergyMeterTests
{
    private const string Output = "/vcgencmd-pmic_read_adc.txt";

    // Σ V·I of the twelve rails in the fixture, worked out by hand from the printed values.
    private const double FixtureWatts = 1.6725957852651;

    [Fact]
    public void The_firmwares_output_parses_into_twelve_powered_rails()
    {
        var reading = PmicAdcReading.Parse(File.ReadAllText(Path.Combine(FixtureTree.Source, "raspberry-pi-5", "vcgencmd-pmic_read_adc.txt")));
        Assert.Equal(12, reading.PoweredRails);
        Assert.Equal(5.12992, reading.Volts["EXT5V"], 6);
        Assert.Equal(0.72063, reading.Amps["VDD_CORE"], 6);
        Assert.Equal(FixtureWatts, reading.Watts, 9);
    }

    [Fact]
    public async Task Samples_are_integrated_over_time_and_reads_in_between_extrapolate()
    {
        using var tree = new FixtureTree("raspberry-pi-5");
        var time = new ManualTimeProvider();
        using var meter = new Pi5PmicEnergyMeter(new FilePmicSource(tree.PathOf(Output)), time, Timeout.InfiniteTimeSpan);
        Assert.Equal(FixtureWatts, await meter.SampleAsync(), 9);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(FixtureWatts * 30, meter.ReadJoules(), 6);
        // The CPU gets busy: VDD_CORE draws 2.5 A.
        File.WriteAllText(tree.PathOf(Output), File.ReadAllText(tree.PathOf(Output)).Replace("VDD_CORE_A current(7)=0.72063000A", "VDD_CORE_A current(7)=2.50000000A"));
        var busy = await meter.SampleAsync();
        Assert.Equal(FixtureWatts + (0.721251 * (2.5 - 0.72063)), busy, 9);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal((FixtureWatts * 30) + (busy * 10), meter.ReadJoules(), 6);
        Assert.Equal(busy, meter.ReadWatts());
    }

    [Fact]
    public async Task Output_without_rails_is_an_error_and_keeps_the_last_power()
    {
        using var tree = new FixtureTree("raspberry-pi-5");
        using var meter = new Pi5PmicEnergyMeter(new FilePmicSource(tree.PathOf(Output)), new ManualTimeProvider(), Timeout.InfiniteTimeSpan);
        await meter.SampleAsync();
        File.WriteAllText(tree.PathOf(Output), "error=1 error_msg=\"Command not registered\"\n");
        await Assert.ThrowsAsync<InvalidDataException>(() => meter.SampleAsync());
        Assert.Equal(FixtureWatts, meter.ReadWatts()!.Value, 9);
    }

    [Fact]
    public async Task The_background_timer_samples_without_being_asked()
    {
        using var tree = new FixtureTree("raspberry-pi-5");
        using var meter = new Pi5PmicEnergyMeter(new FilePmicSource(tree.PathOf(Output)), TimeProvider.System, TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < 200 && meter.ReadWatts() is null; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(FixtureWatts, meter.ReadWatts()!.Value, 9);
    }
}
