using EdgeLLM.Service.Systemd;

namespace EdgeLLM.Service.Tests.Systemd;

public class SystemdEnvironmentTests
{
    [Theory]
    [InlineData("30000000", null, 15.0 * 2)]
    [InlineData("10000000", "42", 10.0)]
    public void The_watchdog_interval_comes_from_watchdog_usec_for_this_process(string usec, string? pid, double seconds)
    {
        var env = SystemdEnvironment.From(n => n switch { "WATCHDOG_USEC" => usec, "WATCHDOG_PID" => pid, _ => null }, 42);
        Assert.Equal(TimeSpan.FromSeconds(seconds), env.WatchdogInterval);
    }

    [Fact]
    public void A_watchdog_meant_for_another_process_is_ignored()
    {
        var env = SystemdEnvironment.From(n => n switch { "WATCHDOG_USEC" => "1000000", "WATCHDOG_PID" => "7", _ => null }, 42);
        Assert.Null(env.WatchdogInterval);
    }

    [Fact]
    public void Invocation_id_and_journal_stream_are_detected()
    {
        var env = SystemdEnvironment.From(n => n switch { "INVOCATION_ID" => "abc", "JOURNAL_STREAM" => "8:1234", _ => null }, 1);
        Assert.True(env.IsSystemdService);
        Assert.True(env.LogsToJournal);
    }
}
