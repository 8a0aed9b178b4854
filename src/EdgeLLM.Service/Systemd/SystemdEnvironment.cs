using System.Globalization;

namespace EdgeLLM.Service.Systemd;

/// <summary>What systemd told this process through its environment.</summary>
public sealed class SystemdEnvironment
{
    /// <summary>True when started by systemd as a unit (it sets <c>INVOCATION_ID</c>).</summary>
    public bool IsSystemdService { get; init; }

    /// <summary><c>NOTIFY_SOCKET</c>: where <c>sd_notify</c> datagrams go; a leading <c>@</c> is the abstract namespace.</summary>
    public string? NotifySocket { get; init; }

    /// <summary>The watchdog interval systemd expects pings within (<c>WATCHDOG_USEC</c>), when it is meant for this process.</summary>
    public TimeSpan? WatchdogInterval { get; init; }

    /// <summary>True when stderr is connected to the journal (<c>JOURNAL_STREAM</c>): log lines then carry <c>&lt;N&gt;</c> priorities.</summary>
    public bool LogsToJournal { get; init; }

    public static SystemdEnvironment FromProcess() => From(Environment.GetEnvironmentVariable, Environment.ProcessId);

    /// <summary>Reads the variables through <paramref name="get"/>, so tests need not touch the real environment.</summary>
    public static SystemdEnvironment From(Func<string, string?> get, int processId)
    {
        TimeSpan? watchdog = null;
        if (ulong.TryParse(get("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0)
        {
            // WATCHDOG_PID, when set, says which process the watchdog is for; a child must not ping.
            var pid = get("WATCHDOG_PID");
            if (pid is null || (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p == processId))
            {
                watchdog = TimeSpan.FromTicks((long)(usec * 10));
            }
        }
        var socket = get("NOTIFY_SOCKET");
        return new SystemdEnvironment
        {
            IsSystemdService = !string.IsNullOrEmpty(get("INVOCATION_ID")),
            NotifySocket = string.IsNullOrEmpty(socket) ? null : socket,
            WatchdogInterval = watchdog,
            LogsToJournal = !string.IsNullOrEmpty(get("JOURNAL_STREAM")),
        };
    }
}
