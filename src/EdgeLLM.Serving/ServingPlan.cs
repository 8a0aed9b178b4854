using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Serving;

/// <summary>
/// What the device profile and the configuration decided for serving a model: providers, threads, the memory and
/// KV budgets and the batch. Computed once at start-up and reused for every load (start, OTA test, hot swap).
/// </summary>
public sealed record ServingPlan
{
    /// <summary>The device profile's id (reported in status and telemetry).</summary>
    public string DeviceProfile { get; init; } = "generic-cpu";

    /// <summary>The executor that runs models: the profile's <c>executor</c>, overridden by <c>EdgeLLM:Engine:Executor</c>.</summary>
    public ExecutorKind Executor { get; init; } = ExecutorKind.EdgeLLM;

    /// <summary>Execution providers in order of preference; CPU is always tried last.</summary>
    public IReadOnlyList<ProviderOptions> Providers { get; init; } = [];

    /// <summary>Intra-op threads; 0 lets ONNX Runtime decide.</summary>
    public int Threads { get; init; }

    /// <summary>Bytes the model's weights plus its KV cache may take; 0 means no limit.</summary>
    public long MemoryBudgetBytes { get; init; }

    /// <summary>
    /// What the process itself takes before any model (the .NET runtime, ONNX Runtime, the host), measured at
    /// start-up; the memory budget is for the whole process, so this comes off it first.
    /// </summary>
    public long RuntimeBytes { get; init; }

    /// <summary>Bytes the KV cache of all batch slots may take; 0 means no limit beyond the memory budget.</summary>
    public long KvBudgetBytes { get; init; }

    /// <summary>Most sequences decoded together before the KV budget is applied.</summary>
    public int MaxBatchSize { get; init; } = EngineOptions.DefaultMaxBatchSize;

    /// <summary>Requests that may wait for a slot; beyond it they are answered <c>overloaded</c>.</summary>
    public int MaxQueuedRequests { get; init; } = EngineOptions.DefaultMaxQueuedRequests;

    /// <summary>Positions per sequence; 0 uses the model's context length.</summary>
    public int MaxSequenceLength { get; init; }

    /// <summary>Bytes the prefix cache may hold.</summary>
    public long PrefixCacheBytes { get; init; } = EngineOptions.DefaultPrefixCacheBytes;

    /// <summary>Prompt tokens prefilled between two decode steps while streams decode (chunked prefill).</summary>
    public int PrefillChunkTokens { get; init; } = EngineOptions.DefaultPrefillChunkTokens;

    /// <summary>Whether EdgeLLM's decoder computes logits only where they are read (<c>EdgeLLM:Engine:SelectLogitsPositions</c>).</summary>
    public bool SelectLogitsPositions { get; init; } = ModelLoadOptions.Default.SelectLogitsPositions;

    /// <summary>Whether ONNX Runtime's workers spin inside a run (<c>EdgeLLM:Engine:IntraOpSpinning</c>).</summary>
    public bool IntraOpSpinning { get; init; } = ModelLoadOptions.Default.IntraOpSpinning;

    /// <summary>Whether the decoder's resident weights move to huge pages once loaded (<c>EdgeLLM:Engine:HugePages</c>).</summary>
    public bool HugePages { get; init; } = ModelLoadOptions.Default.HugePages;

    /// <summary>Where the decoder's prepacked weights are saved and mapped from; null when turned off
    /// (<c>EdgeLLM:Engine:PrepackedWeights</c>, <c>EdgeLLM:Engine:PrepackedWeightsDirectory</c>).</summary>
    public string? PrepackedWeightsDirectory { get; init; } = ModelLoadOptions.Default.PrepackedWeightsDirectory;

    /// <summary>Another ONNX Runtime build by path, when configured.</summary>
    public string? OnnxRuntimeLibrary { get; init; }

    /// <summary>The device's energy counter shared by every engine this plan makes.</summary>
    public IEnergyMeter? EnergyMeter { get; init; }

    /// <summary>The rolling energy budget, when the profile has one.</summary>
    public IAdmissionPolicy? Admission { get; init; }

    /// <summary>The device profile the plan came from.</summary>
    public EdgeLLM.Runtime.Devices.DeviceProfile? Profile { get; init; }

    /// <summary>Load options for <see cref="LanguageModel.Load"/>.</summary>
    public ModelLoadOptions LoadOptions => new()
    {
        OpenDecoderSession = Executor == ExecutorKind.EdgeLLM,
        IntraOpThreads = Threads,
        MaxSequenceLength = MaxSequenceLength,
        Providers = Providers,
        OnnxRuntimeLibrary = OnnxRuntimeLibrary,
        SelectLogitsPositions = SelectLogitsPositions,
        IntraOpSpinning = IntraOpSpinning,
        HugePages = HugePages,
        PrepackedWeightsDirectory = PrepackedWeightsDirectory,
    };
}
