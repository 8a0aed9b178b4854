using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Tests.Energy;

public class EstimatedEnergyMeterTests
{
    [Fact]
    public void Idle_watts_cover_wall_time_and_the_active_difference_covers_busy_time()
    {
        var time = new ManualTimeProvider();
        var meter = new EstimatedEnergyMeter(idleWatts: 2, activeWatts: 10, time);
        Assert.True(meter.IsEstimate);
        time.Advance(TimeSpan.FromSeconds(10));
        meter.RecordBusy(TimeSpan.FromSeconds(4));
        Assert.Equal((2 * 10) + (8 * 4), meter.ReadJoules(), 9);
        time.Advance(TimeSpan.FromSeconds(2));
        meter.RecordBusy(TimeSpan.FromSeconds(2));
        Assert.Equal(10.0, meter.ReadWatts()!.Value, 9);
    }

    [Fact]
    public void Reading_does_not_allocate()
    {
        var meter = new EstimatedEnergyMeter(2, 10);
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
