using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace EdgeLLM.Mqtt.Client;

/// <summary>
/// MQTTnet's channel adapter with the keepalive moved out of MQTTnet: the CONNECT it sends carries
/// <see cref="KeepAliveChannelAdapterFactory.KeepAlive"/> (MQTTnet's own options say 0, so that it starts no keepalive
/// loop), and a Server Keep Alive in the CONNACK is taken over by <see cref="MqttKeepAlive"/> instead of reaching MQTTnet.
/// </summary>
/// <remarks>
/// MQTTnet 5.2's keepalive loop wakes every 250 ms whatever the period (<c>Task.Delay(250)</c> in
/// <c>MqttClient.TrySendKeepAliveMessages</c>): four timer callbacks a second on an idle device, which keep two
/// thread-pool workers alive for good (issue 25: threads at idle). Given a Server Keep Alive while its own period is 0,
/// the same loop pings with a zero timeout and drops the connection at once, so the value must not reach it either.
/// </remarks>
internal sealed class KeepAliveChannelAdapter : IMqttChannelAdapter
{
    private readonly IMqttChannelAdapter _inner;
    private readonly KeepAliveChannelAdapterFactory _owner;

    public KeepAliveChannelAdapter(IMqttChannelAdapter inner, KeepAliveChannelAdapterFactory owner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(owner);
        _inner = inner;
        _owner = owner;
    }

    public long BytesReceived => _inner.BytesReceived;

    public long BytesSent => _inner.BytesSent;

    public X509Certificate2 ClientCertificate => _inner.ClientCertificate;

    public EndPoint RemoteEndPoint => _inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => _inner.LocalEndPoint;

    public bool IsSecureConnection => _inner.IsSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => _inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => _inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => _inner.DisconnectAsync(cancellationToken);

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        var packet = await _inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
        if (packet is MqttConnAckPacket connAck)
        {
            _owner.Negotiated(connAck.ServerKeepAlive);
            connAck.ServerKeepAlive = 0;
        }
        return packet;
    }

    public void ResetStatistics() => _inner.ResetStatistics();

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttConnectPacket connect)
        {
            connect.KeepAlivePeriod = (ushort)_owner.KeepAlive.TotalSeconds;
        }
        return _inner.SendPacketAsync(packet, cancellationToken);
    }

    public void Dispose() => _inner.Dispose();
}
