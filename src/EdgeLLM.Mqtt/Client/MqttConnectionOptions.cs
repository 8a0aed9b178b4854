using EdgeLLM.Mqtt.Messages;

namespace EdgeLLM.Mqtt.Client;

/// <summary>
/// How <see cref="MqttConnection"/> connects. Checked by <see cref="MqttConnectionOptionsValidator"/> when the connection
/// is created (and at host start-up when registered with <c>ValidateOnStart</c>).
/// </summary>
public sealed class MqttConnectionOptions
{
    /// <summary>Broker host name or address. Default <c>localhost</c>.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Broker port. Default 1883 (use 8883 for the usual TLS port).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// MQTT protocol version: <see cref="MqttProtocol.V500"/> (default; Response Topic, Correlation Data, user
    /// properties, session expiry) or <see cref="MqttProtocol.V311"/> for brokers that only speak 3.1.1, where those
    /// MQTT 5 properties are left out of every packet.
    /// </summary>
    public MqttProtocol Protocol { get; set; } = MqttProtocol.V500;

    /// <summary>
    /// Client id. Must stay the same across restarts for a persistent session; required unless <see cref="CleanStart"/>
    /// is set, in which case an empty id lets the broker assign one.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Start a fresh session on every connect. Default false: the broker keeps subscriptions and queued QoS 1/2
    /// messages for <see cref="SessionExpiry"/> while the client is away.
    /// </summary>
    public bool CleanStart { get; set; }

    /// <summary>How long the broker keeps the session after a disconnect (MQTT 5). Default 1 hour; at most 4294967295 s (never expires).</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Keepalive: 0 (off) or 5 s to 65535 s. Default 60 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>User name for brokers with a password file; null for anonymous.</summary>
    public string? Username { get; set; }

    /// <summary>Password; needs <see cref="Username"/>.</summary>
    public string? Password { get; set; }

    /// <summary>TLS settings.</summary>
    public MqttTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// The Last Will: published by the broker when the connection drops without a DISCONNECT (crash, power or network
    /// loss). Its topic, QoS, retain flag and MQTT 5 properties are used.
    /// </summary>
    public MqttMessage? LastWill { get; set; }

    /// <summary>First delay before reconnecting after a lost connection or a failed attempt. Default 1 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The delay doubles after each failed attempt up to this (with ±20% jitter). Default 60 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long one CONNECT, SUBSCRIBE or QoS 1 publish waits for the broker's answer before the attempt counts as
    /// failed (a publish is then sent again). Default 30 s.
    /// </summary>
    public TimeSpan CommunicationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most QoS 1/2 publishes the outbox holds at once, sent or waiting for the broker; beyond it a publish fails at
    /// once instead of growing the queue without bound. 1 to 1,000,000. Default 20000.
    /// </summary>
    public int MaxPendingPublishes { get; set; } = 20_000;

    /// <summary>
    /// Leave received QoS 1/2 messages unacknowledged until <see cref="MqttConnection.AcknowledgeAsync"/> is called for
    /// them. Default false (acknowledged on receipt). A message never acknowledged stays in the persistent session and
    /// the broker delivers it again after the next connect: how a service that stops leaves requests it did not take.
    /// </summary>
    public bool ManualAcknowledgement { get; set; }

    /// <summary>How long disconnecting waits for the DISCONNECT to be sent. Default 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Session expiry as sent in CONNECT (seconds; 4294967295 means never).</summary>
    internal uint SessionExpirySeconds =>
        SessionExpiry >= TimeSpan.FromSeconds(uint.MaxValue) ? uint.MaxValue : (uint)SessionExpiry.TotalSeconds;
}
