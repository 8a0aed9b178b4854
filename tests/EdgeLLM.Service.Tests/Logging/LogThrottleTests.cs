using EdgeLLM.Ota.Tests.Support;
using EdgeLLM.Service.Logging;

namespace EdgeLLM.Service.Tests.Logging;

public sealed class LogThrottleTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void One_line_per_kind_per_interval_and_the_next_line_carries_the_count_held_back()
    {
        var throttle = new LogThrottle(TimeSpan.FromSeconds(10), _time);
        Assert.True(throttle.ShouldLog("bad_request", out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 2999; i++)
        {
            Assert.False(throttle.ShouldLog("bad_request", out _));
        }
        Assert.True(throttle.ShouldLog("payload_too_large", out _));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(throttle.ShouldLog("bad_request", out var held));
        Assert.Equal(2999, held);
        Assert.False(throttle.ShouldLog("bad_request", out _));
    }
}
