using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Systemd;

/// <summary>
/// Sends <c>sd_notify</c> messages: one datagram per notification to <c>NOTIFY_SOCKET</c>, newline-separated
/// <c>KEY=VALUE</c> lines. Without a socket every call is a no-op, so the service runs the same outside systemd.
/// </summary>
public sealed partial class SystemdNotifier : IDisposable
{
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly Socket? _socket;
    private readonly ILogger<SystemdNotifier> _logger;
    private readonly Lock _gate = new();

    public SystemdNotifier(SystemdEnvironment environment, ILogger<SystemdNotifier> logger)
    {
        _logger = logger;
        if (environment.NotifySocket is { } path)
        {
            // systemd writes an abstract socket name with a leading '@'; the kernel wants a NUL there.
            _endPoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        }
    }

    public bool IsEnabled => _socket is not null;

    public void Ready(string status) => Notify($"READY=1\nSTATUS={status}");

    public void Status(string status) => Notify($"STATUS={status}");

    public void Stopping(string status) => Notify($"STOPPING=1\nSTATUS={status}");

    public void Watchdog() => Notify("WATCHDOG=1");

    /// <summary>Asks systemd for more time before a start or stop timeout (<c>EXTEND_TIMEOUT_USEC</c>).</summary>
    public void ExtendTimeout(TimeSpan by) => Notify($"EXTEND_TIMEOUT_USEC={(long)by.TotalMicroseconds}");

    /// <summary>Sends one notification; failures are logged, never thrown: a lost ping must not stop the service.</summary>
    public void Notify(string message)
    {
        if (_socket is null)
        {
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(message);
        try
        {
            lock (_gate)
            {
                _socket.SendTo(bytes, SocketFlags.None, _endPoint!);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            LogNotifyFailed(e.Message, message.Split('\n')[0]);
        }
    }

    public void Dispose() => _socket?.Dispose();

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "sd_notify failed ({Error}) for {Message}")]
    private partial void LogNotifyFailed(string error, string message);
}
