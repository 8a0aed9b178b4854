
namespace EdgeLLM.Serving.Configuration;

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

    /// <summary>
    /// Further folders of models this device offers beside the serving one (each a model directory, or a folder of
    /// them); with the state directory's <c>models/</c> (OTA versions included) they are what Ollama's
    /// <c>/api/tags</c> lists and what a request may name to have it loaded on demand (docs/OLLAMA.md).
    /// </summary>
    public IList<string> ModelDirectories { get; } = [];

    /// <summary>Seconds in-flight requests get to finish when the service stops.</summary>
    public int ShutdownDrainSeconds { get; set; } = 20;

    public OnnxOptions Onnx { get; set; } = new();

    public EngineSettings Engine { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public MqttFrontOptions Mqtt { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();
}
