namespace EdgeLLM.Service.Hosting;

/// <summary>The <c>EdgeLLM</c> configuration section (contract section 1).</summary>
public sealed class EdgeLLMOptions
{
    public const string SectionName = "EdgeLLM";

    /// <summary>This device's id; default: the host name reduced to [A-Za-z0-9_-].</summary>
    public string? DeviceId { get; set; }

    /// <summary>Models, OTA staging and the dedup cache; default: systemd's StateDirectory, else ~/.local/share/edgellm.</summary>
    public string? StateDir { get; set; }

    /// <summary>A device profile id or a path to a profile JSON; default: auto-detected.</summary>
    public string? Device { get; set; }

    /// <summary>A model directory or id; default: the embedded model.</summary>
    public string? Model { get; set; }

    /// <summary>Seconds in-flight requests get to finish when the service stops.</summary>
    public int ShutdownDrainSeconds { get; set; } = 20;

    public OnnxOptions Onnx { get; set; } = new();

    public EngineSettings Engine { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public MqttFrontOptions Mqtt { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();
}

/// <summary><c>EdgeLLM:Onnx</c>.</summary>
public sealed class OnnxOptions
{
    /// <summary>Another ONNX Runtime build (CUDA/TensorRT on Jetson, QNN, OpenVINO) by path.</summary>
    public string? LibraryPath { get; set; }
}

/// <summary><c>EdgeLLM:Engine</c>: overrides of what the device profile decides.</summary>
public sealed class EngineSettings
{
    public int? MaxBatchSize { get; set; }

    /// <summary><c>edgellm</c> or <c>genai</c>; overrides the device profile's <c>executor</c> (<c>EDGELLM__ENGINE__EXECUTOR</c>).</summary>
    public string? Executor { get; set; }


    public int? MaxQueuedRequests { get; set; }

    public int? Threads { get; set; }

    public int? MaxSequenceLength { get; set; }

    public long PrefixCacheBytes { get; set; } = 16L << 20;
}

/// <summary><c>EdgeLLM:Http</c>.</summary>
public sealed class HttpOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Semicolon-separated URLs, as ASP.NET Core's <c>urls</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Bearer keys; required for every /v1 call off loopback and for /v1/admin/ota everywhere.</summary>
    public List<string> ApiKeys { get; set; } = [];

    public int MaxRequestBytes { get; set; } = 1 << 20;
}

/// <summary><c>EdgeLLM:Mqtt</c>.</summary>
public sealed class MqttFrontOptions
{
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
    public int DedupMaxEntries { get; set; } = Mqtt.DedupStore.DefaultMaxEntries;
}

/// <summary><c>EdgeLLM:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public int IntervalSeconds { get; set; } = 30;
}
