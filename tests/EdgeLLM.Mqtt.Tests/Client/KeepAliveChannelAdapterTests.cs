using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeLLM.Mqtt.Client;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace EdgeLLM.Mqtt.Tests.Client;

public class KeepAliveChannelAdapterTests
{
    [Fact]
    public async Task The_connect_asks_for_the_configured_keepalive_though_mqttnet_runs_none()
    {
        var factory = new KeepAliveChannelAdapterFactory(TimeSpan.FromSeconds(30));
        var inner = new RecordingAdapter(new MqttConnAckPacket());
        using var adapter = new KeepAliveChannelAdapter(inner, factory);

        await adapter.SendPacketAsync(new MqttConnectPacket { KeepAlivePeriod = 0 }, CancellationToken.None);
        var connAck = (MqttConnAckPacket)await adapter.ReceivePacketAsync(CancellationToken.None);

        Assert.Equal(30, Assert.IsType<MqttConnectPacket>(Assert.Single(inner.Sent)).KeepAlivePeriod);
        Assert.Equal(0, connAck.ServerKeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(30), factory.NegotiatedKeepAlive);
    }

    [Fact]
    public async Task A_server_keep_alive_becomes_the_period_and_does_not_reach_mqttnet()
    {
        var factory = new KeepAliveChannelAdapterFactory(TimeSpan.FromSeconds(30));
        using var adapter = new KeepAliveChannelAdapter(new RecordingAdapter(new MqttConnAckPacket { ServerKeepAlive = 20 }), factory);

        var connAck = (MqttConnAckPacket)await adapter.ReceivePacketAsync(CancellationToken.None);

        // MQTTnet 5.2 would start its 250 ms loop with the server's value and ping with a zero timeout.
        Assert.Equal(0, connAck.ServerKeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(20), factory.NegotiatedKeepAlive);
    }

    [Fact]
    public async Task Other_packets_pass_through_unchanged()
    {
        var factory = new KeepAliveChannelAdapterFactory(TimeSpan.FromSeconds(30));
        var inner = new RecordingAdapter(MqttPingRespPacket.Instance);
        using var adapter = new KeepAliveChannelAdapter(inner, factory);

        await adapter.SendPacketAsync(MqttPingReqPacket.Instance, CancellationToken.None);

        Assert.Same(MqttPingReqPacket.Instance, Assert.Single(inner.Sent));
        Assert.Same(MqttPingRespPacket.Instance, await adapter.ReceivePacketAsync(CancellationToken.None));
    }

    private sealed class RecordingAdapter(MqttPacket received) : IMqttChannelAdapter
    {
        public List<MqttPacket> Sent { get; } = [];

        public long BytesReceived => 0;

        public long BytesSent => 0;

        public X509Certificate2 ClientCertificate => null!;

        public EndPoint RemoteEndPoint => new IPEndPoint(IPAddress.Loopback, 1883);

        public EndPoint LocalEndPoint => new IPEndPoint(IPAddress.Loopback, 50000);

        public bool IsSecureConnection => false;

        public MqttPacketFormatterAdapter PacketFormatterAdapter => null!;

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken) => Task.FromResult(received);

        public void ResetStatistics()
        {
        }

        public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
        {
            Sent.Add(packet);
            return Task.CompletedTask;
        }

        public void Dispose()
        {
        }
    }
}
