using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Serving.Configuration;

/// <summary><c>EdgeLLM:Engine</c>: overrides of what the device profile decides.</summary>
public sealed class EngineSettings
{
    public int? MaxBatchSize { get; set; }

    /// <summary><c>edgellm</c> or <c>genai</c>; overrides the device profile's <c>executor</c> (<c>EDGELLM__ENGINE__EXECUTOR</c>).</summary>
    public string? Executor { get; set; }

    public int? MaxQueuedRequests { get; set; }

    public int? Threads { get; set; }

    public int? MaxSequenceLength { get; set; }

    /// <summary>Bytes the prefix cache may hold; unset takes <see cref="EngineOptions.DefaultPrefixCacheBytes"/>.</summary>
    public long? PrefixCacheBytes { get; set; }

    /// <summary>Prompt tokens prefilled between decode steps (chunked prefill); unset takes the profile's
    /// <c>prefill_chunk_tokens</c>, else <see cref="EngineOptions.DefaultPrefillChunkTokens"/>.</summary>
    public int? PrefillChunkTokens { get; set; }

    /// <summary>False loads the decoder as its file says, computing logits at every position; unset or true adds the
    /// logits-index input (<see cref="EdgeLLM.Runtime.Models.ModelLoadOptions.SelectLogitsPositions"/>).</summary>
    public bool? SelectLogitsPositions { get; set; }

    /// <summary>False makes ONNX Runtime's workers sleep between a run's parallel sections instead of spinning (for
    /// devices whose cores are busy with other work); unset takes <see cref="EdgeLLM.Runtime.Models.ModelLoadOptions.IntraOpSpinning"/>.</summary>
    public bool? IntraOpSpinning { get; set; }

    /// <summary>False keeps the decoder's weights on small pages; unset takes
    /// <see cref="EdgeLLM.Runtime.Models.ModelLoadOptions.HugePages"/>.</summary>
    public bool? HugePages { get; set; }

    /// <summary>False loads the decoder from its files every time; unset or true saves its prepacked weights once and maps
    /// them on later loads (<see cref="EdgeLLM.Runtime.Models.ModelLoadOptions.PrepackedWeightsDirectory"/>).</summary>
    public bool? PrepackedWeights { get; set; }

    /// <summary>Where prepacked weights are saved; unset takes the default of
    /// <see cref="EdgeLLM.Runtime.Models.ModelLoadOptions.PrepackedWeightsDirectory"/>.</summary>
    public string? PrepackedWeightsDirectory { get; set; }
}
