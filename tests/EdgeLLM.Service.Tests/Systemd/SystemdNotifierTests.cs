using EdgeLLM.Service.Systemd;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Systemd;

public class SystemdNotifierTests
{
    private static SystemdNotifier NotifierFor(string socket) =>
        new(SystemdEnvironment.From(n => n == "NOTIFY_SOCKET" ? socket : null, 1), NullLogger<SystemdNotifier>.Instance);

    [Fact]
    public void Ready_status_watchdog_and_stopping_arrive_as_datagrams_on_a_path_socket()
    {
        using var listener = NotifySocketListener.AtPath();
        using var notifier = NotifierFor(listener.NotifySocket);
        notifier.Ready("serving iot-assist");
        notifier.Watchdog();
        notifier.Stopping("draining");
        Assert.Equal("READY=1\nSTATUS=serving iot-assist", listener.Receive());
        Assert.Equal("WATCHDOG=1", listener.Receive());
        Assert.Equal("STOPPING=1\nSTATUS=draining", listener.Receive());
    }

    [Fact]
    public void An_abstract_namespace_socket_written_with_at_sign_is_reached()
    {
        using var listener = NotifySocketListener.Abstract();
        using var notifier = NotifierFor(listener.NotifySocket);
        notifier.Status("loading model");
        Assert.Equal("STATUS=loading model", listener.Receive());
    }

    [Fact]
    public void Without_a_notify_socket_notifications_are_no_ops()
    {
        using var notifier = new SystemdNotifier(SystemdEnvironment.From(_ => null, 1), NullLogger<SystemdNotifier>.Instance);
        Assert.False(notifier.IsEnabled);
        notifier.Ready("x");
    }

    [Fact]
    public void A_vanished_socket_is_logged_not_thrown()
    {
        var listener = NotifySocketListener.AtPath();
        var socket = listener.NotifySocket;
        listener.Dispose();
        using var notifier = NotifierFor(socket);
        notifier.Watchdog();
    }

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
