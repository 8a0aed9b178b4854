using System.Net.Sockets;
using System.Text;

namespace EdgeLLM.Service.Tests.Systemd;

/// <summary>A unix datagram socket standing in for systemd's NOTIFY_SOCKET: it receives what the service sends.</summary>
internal sealed class NotifySocketListener : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string? _file;

    private NotifySocketListener(string notifySocketValue, string bindName, string? file)
    {
        NotifySocket = notifySocketValue;
        _file = file;
        _socket.Bind(new UnixDomainSocketEndPoint(bindName));
        _socket.ReceiveTimeout = 10_000;
    }

    /// <summary>The value to put into NOTIFY_SOCKET.</summary>
    public string NotifySocket { get; }

    public static NotifySocketListener AtPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgellm-notify-{Guid.NewGuid():N}.sock");
        return new NotifySocketListener(path, path, path);
    }

    public string Receive()
    {
        var buffer = new byte[4096];
        var n = _socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>Receives datagrams until one satisfies <paramref name="match"/>; returns all of them.</summary>
    public List<string> ReceiveUntil(Func<string, bool> match)
    {
        var all = new List<string>();
        while (true)
        {
            var m = Receive();
            all.Add(m);
            if (match(m))
            {
                return all;
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_file is not null)
        {
            File.Delete(_file);
        }
    }
}
