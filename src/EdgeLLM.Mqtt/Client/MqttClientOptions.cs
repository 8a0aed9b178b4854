namespace EdgeLLM.Mqtt;

/// <summary>
/// How <see cref="MqttClient"/> connects. Checked by <see cref="MqttClientOptionsValidator"/> when the client is
/// created (and at host start-up when registered with <c>ValidateOnStart</c>).
/// </summary>
public sealed class MqttClientOptions
{
    /// <summary>Broker host name or address. Default <c>localhost</c>.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Broker port. Default 1883 (use 8883 for the usual TLS port).</summary>
    public int Port { get; set; } = 1883;

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

    /// <summary>How long the broker keeps the session after a disconnect. Default 1 hour; at most 4294967295 s (never expires).</summary>
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

    /// <summary>Disable Nagle's algorithm, so small messages (streamed tokens) leave at once. Default true.</summary>
    public bool TcpNoDelay { get; set; } = true;

    /// <summary>
    /// Most publishes that may wait for an acknowledgement at once, including those queued while disconnected; beyond
    /// it a publish fails at once instead of growing the queue without bound. 1 to 60000 (message ids are 16 bits).
    /// Default 20000.
    /// </summary>
    public int MaxPendingPublishes { get; set; } = 20_000;

    /// <summary>How long disconnecting waits for the network thread to send DISCONNECT and stop. Default 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Session expiry as sent in CONNECT (seconds; 4294967295 means never).</summary>
    internal uint SessionExpirySeconds =>
        SessionExpiry >= TimeSpan.FromSeconds(uint.MaxValue) ? uint.MaxValue : (uint)SessionExpiry.TotalSeconds;
}
