using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Implementations;

namespace EdgeLLM.Mqtt.Client;

/// <summary>
/// Makes MQTTnet's own channel adapters, wrapped in <see cref="KeepAliveChannelAdapter"/>, and remembers the keepalive
/// the broker settled on in the last CONNACK (its Server Keep Alive, else ours).
/// </summary>
internal sealed class KeepAliveChannelAdapterFactory : IMqttClientAdapterFactory
{
    private readonly MqttClientAdapterFactory _inner = new();
    private long _negotiatedTicks;

    /// <param name="keepAlive">The keepalive the CONNECT asks for: 0 (off) or whole seconds up to 65535.</param>
    public KeepAliveChannelAdapterFactory(TimeSpan keepAlive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepAlive, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keepAlive, TimeSpan.FromSeconds(ushort.MaxValue));
        KeepAlive = keepAlive;
        _negotiatedTicks = keepAlive.Ticks;
    }

    /// <summary>The keepalive the CONNECT asks for.</summary>
    public TimeSpan KeepAlive { get; }

    /// <summary>The period the client must keep: the last CONNACK's Server Keep Alive, else <see cref="KeepAlive"/>.</summary>
    public TimeSpan NegotiatedKeepAlive => TimeSpan.FromTicks(Interlocked.Read(ref _negotiatedTicks));

    public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger) =>
        new KeepAliveChannelAdapter(_inner.CreateClientAdapter(options, packetInspector, logger), this);

    /// <summary>Called with each CONNACK's Server Keep Alive (0: the broker accepted ours).</summary>
    internal void Negotiated(ushort serverKeepAliveSeconds) =>
        Interlocked.Exchange(ref _negotiatedTicks, serverKeepAliveSeconds > 0 ? TimeSpan.FromSeconds(serverKeepAliveSeconds).Ticks : KeepAlive.Ticks);
}
