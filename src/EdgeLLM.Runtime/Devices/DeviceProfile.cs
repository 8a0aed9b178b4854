using System.Text.Json.Serialization;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// One device class from <c>device-configs/*.json</c>: how to recognise it, which execution providers to try,
/// how many threads, the memory and KV-cache budgets, the energy meter and budgets, and the thermal limits.
/// Load it through <see cref="DeviceProfileCatalog"/>, which validates it. This record and its parts have setters,
/// not init-only properties, because the source-generated reader (<see cref="DeviceProfileJson"/>) assigns every
/// init-only property, so a field left out of a file would lose its default (<c>zone: auto</c>, ...); treat them as
/// immutable and change them with <c>with</c>.
/// </summary>
public sealed record DeviceProfile
{
    /// <summary>The profile's name, equal to its file name without <c>.json</c> (e.g. <c>raspberry-pi-5</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>A sentence for operators and <c>edgellm doctor</c>.</summary>
    public string Description { get; set; } = "";

    /// <summary>How <see cref="DeviceDetector"/> recognises the device.</summary>
    public DeviceMatch Match { get; set; } = new();

    /// <summary>Execution providers in order of preference; each falls back to the next, and finally to CPU.</summary>
    public IReadOnlyList<ProviderOptions> ExecutionProviders { get; set; } = [];

    /// <summary>
    /// The executor that runs models here: <c>edgellm</c> (EdgeLLM's own loop, continuous batching on CPU) or
    /// <c>genai</c> (ONNX Runtime GenAI, for the builds and model packages of CUDA, QNN and OpenVINO devices).
    /// <c>EdgeLLM:Engine:Executor</c> overrides it.
    /// </summary>
    public string Executor { get; set; } = "edgellm";

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose.</summary>
    public int Threads { get; set; }

    /// <summary>Bytes the model's weights plus its minimum KV cache may take.</summary>
    public long MemoryBudgetBytes { get; set; }

    /// <summary>Bytes the KV cache of all sequences together may take.</summary>
    public long KvCacheBudgetBytes { get; set; }

    /// <summary>Sequences decoded together (the engine's batch size).</summary>
    public int MaxConcurrentSequences { get; set; }

    /// <summary>Requests that may wait for a slot before new ones get <c>overloaded</c>.</summary>
    public int MaxQueuedRequests { get; set; }

    /// <summary>Prompt tokens prefilled between two decode steps while streams decode (<c>prefill_chunk_tokens</c>);
    /// unset takes <see cref="Scheduling.EngineOptions.DefaultPrefillChunkTokens"/>, 0 prefills prompts whole.</summary>
    public int? PrefillChunkTokens { get; set; }

    /// <summary>The energy meter and the budgets.</summary>
    public EnergyProfile Energy { get; set; } = new();

    /// <summary>The thermal zone and the temperatures that throttle and pause admission.</summary>
    public ThermalProfile Thermal { get; set; } = new();

    /// <summary>The systemd <c>MemoryMax=</c> the installer writes for this device (e.g. <c>2G</c>).</summary>
    public string? SystemdMemoryMax { get; set; }

    /// <summary>The file the profile was read from; null for profiles built in code.</summary>
    [JsonIgnore]
    public string? SourcePath { get; set; }
}
