namespace EdgeLLM.Serving.Configuration;

/// <summary><c>EdgeLLM:Mqtt</c>.</summary>
public sealed class MqttFrontOptions
{
    /// <summary>The dedup store's default bound.</summary>
    public const int DefaultDedupMaxEntries = 4096;

    public bool Enabled { get; set; } = true;

    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 1883;

    /// <summary>The value of <see cref="ProtocolVersion"/> for MQTT 3.1.1 brokers.</summary>
    public const string Protocol311 = "3.1.1";

    /// <summary>
    /// <c>5</c> (default) or <c>3.1.1</c> for brokers without MQTT 5; over 3.1.1 replies go to <c>reply_to</c> or the
    /// default response topic, as there is no Response Topic or Correlation Data.
    /// </summary>
    public string ProtocolVersion { get; set; } = "5";

    public string TopicRoot { get; set; } = "edgellm";

    /// <summary>When set, also serve <c>$share/{pool}/{root}/pool/{pool}/request</c>.</summary>
    public string? Pool { get; set; }

    /// <summary>Stable across restarts (persistent session); default: <c>edgellm-{device}</c>.</summary>
    public string? ClientId { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? TlsCaFile { get; set; }

    public string? TlsCertFile { get; set; }

    public string? TlsKeyFile { get; set; }

    public int KeepAliveSeconds { get; set; } = 30;

    public int SessionExpirySeconds { get; set; } = 3600;

    public int MaxPayloadBytes { get; set; } = 65536;

    public int DedupWindowSeconds { get; set; } = 600;

    /// <summary>A JSON Schema file every MQTT request (device and pool topics) is answered under unless it brings its own
    /// <c>response_format</c> or <c>tools</c>: a device that only takes commands always answers a valid action.</summary>
    public string? ResponseSchemaFile { get; set; }

    /// <summary>The most finals the dedup store keeps (and so its journal's bound); beyond it the oldest go first.</summary>
    public int DedupMaxEntries { get; set; } = DefaultDedupMaxEntries;
}
