using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace EdgeLLM.Service.Tests.Fuzz;

/// <summary>
/// A minimal MQTT 5 publisher over a raw socket, so the fuzz suite can send what a careful client library refuses
/// to (a Response Topic with wildcards or starting with '$', odd user properties) but a broker forwards. QoS 1 only;
/// each publish completes with the broker's PUBACK reason code.
/// </summary>
internal sealed class RawMqtt5Publisher : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<int>> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _reader;
    private int _nextId;

    private RawMqtt5Publisher(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>One publish's MQTT 5 properties; null or empty ones are left out.</summary>
    public sealed record Properties(string? ResponseTopic, byte[]? CorrelationData, string? ContentType, byte? PayloadFormat,
        uint? MessageExpirySeconds, IReadOnlyList<(string Name, string Value)> UserProperties);

    public static async Task<RawMqtt5Publisher> ConnectAsync(string host, int port, string clientId)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(host, port);
        var stream = tcp.GetStream();
        var body = new List<byte>();
        String(body, "MQTT");
        body.Add(5);
        body.Add(0x02);
        body.AddRange(new byte[] { 0, 60 });
        body.Add(0);
        String(body, clientId);
        await stream.WriteAsync(Packet(0x10, body));
        var header = new byte[2];
        await stream.ReadExactlyAsync(header);
        var rest = new byte[header[1]];
        await stream.ReadExactlyAsync(rest);
        if (header[0] != 0x20 || rest[1] != 0)
        {
            throw new InvalidOperationException($"CONNACK refused: reason code {rest[1]}");
        }
        return new RawMqtt5Publisher(tcp);
    }

    /// <summary>Publishes at QoS 1; completes with the PUBACK's reason code (0: accepted).</summary>
    public async Task<int> PublishAsync(string topic, byte[] payload, Properties properties)
    {
        var id = (ushort)(Interlocked.Increment(ref _nextId) % 65535 + 1);
        var acked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = acked;
        var body = new List<byte>();
        String(body, topic);
        body.Add((byte)(id >> 8));
        body.Add((byte)id);
        var props = new List<byte>();
        if (properties.PayloadFormat is { } format)
        {
            props.Add(0x01);
            props.Add(format);
        }
        if (properties.MessageExpirySeconds is { } expiry)
        {
            props.Add(0x02);
            var b = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, expiry);
            props.AddRange(b);
        }
        if (properties.ContentType is { } contentType)
        {
            props.Add(0x03);
            String(props, contentType);
        }
        if (properties.ResponseTopic is { } responseTopic)
        {
            props.Add(0x08);
            String(props, responseTopic);
        }
        if (properties.CorrelationData is { } correlation)
        {
            props.Add(0x09);
            props.Add((byte)(correlation.Length >> 8));
            props.Add((byte)correlation.Length);
            props.AddRange(correlation);
        }
        foreach (var (name, value) in properties.UserProperties)
        {
            props.Add(0x26);
            String(props, name);
            String(props, value);
        }
        VarInt(body, props.Count);
        body.AddRange(props);
        body.AddRange(payload);
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(Packet(0x32, body));
        }
        finally
        {
            _writeLock.Release();
        }
        return await acked.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.WriteAsync(new byte[] { 0xE0, 0 });
        }
        catch (IOException)
        {
        }
        _tcp.Dispose();
        await _reader.ContinueWith(_ => { });
        _writeLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            var one = new byte[1];
            while (true)
            {
                await _stream.ReadExactlyAsync(one);
                var type = one[0];
                int length = 0, shift = 0;
                do
                {
                    await _stream.ReadExactlyAsync(one);
                    length |= (one[0] & 0x7F) << shift;
                    shift += 7;
                }
                while ((one[0] & 0x80) != 0);
                var rest = new byte[length];
                await _stream.ReadExactlyAsync(rest);
                if (type == 0x40 && _pending.TryRemove((ushort)((rest[0] << 8) | rest[1]), out var acked))
                {
                    acked.TrySetResult(length > 2 ? rest[2] : 0);
                }
                else if (type == 0xE0)
                {
                    throw new IOException($"the broker disconnected the publisher: reason code {(length > 0 ? rest[0] : 0)}");
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException or SocketException)
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(e);
            }
        }
    }

    private static byte[] Packet(byte type, List<byte> body)
    {
        var packet = new List<byte>(body.Count + 5) { type };
        VarInt(packet, body.Count);
        packet.AddRange(body);
        return [.. packet];
    }

    private static void String(List<byte> to, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        to.Add((byte)(bytes.Length >> 8));
        to.Add((byte)bytes.Length);
        to.AddRange(bytes);
    }

    private static void VarInt(List<byte> to, int value)
    {
        do
        {
            var b = (byte)(value % 128);
            value /= 128;
            to.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);
    }
}
