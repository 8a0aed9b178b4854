namespace EdgeLLM.Runtime.Models;

/// <summary>How a model is opened: threads, the KV-cache style, the longest sequence, and the execution
/// providers to try in order (each falls back to the next, and finally to CPU).</summary>
public sealed record ModelLoadOptions
{
    /// <summary>The defaults, for layers that override some settings and leave the rest as they are here.</summary>
    public static ModelLoadOptions Default { get; } = new();

    /// <summary>ONNX Runtime intra-op threads; 0 lets ORT choose.</summary>
    public int IntraOpThreads { get; init; }

    public int InterOpThreads { get; init; } = 1;

    /// <summary>Overrides genai_config's <c>past_present_share_buffer</c> when set.</summary>
    public bool? SharedKvBuffer { get; init; }

    /// <summary>Positions a sequence may hold; 0 means the model's context length (bounded by search.max_length).</summary>
    public int MaxSequenceLength { get; init; }

    /// <summary>Providers to try before CPU, e.g. from the device profile; the model's own provider_options come after these.</summary>
    public IReadOnlyList<ProviderOptions> Providers { get; init; } = [];

    /// <summary>
    /// False when another executor (ONNX Runtime GenAI) runs the decoder: the model's configuration, tokenizer and
    /// chat template are read but EdgeLLM opens no session of its own, so the weights are mapped only once.
    /// </summary>
    public bool OpenDecoderSession { get; init; } = true;

    /// <summary>
    /// True (the default) to load EdgeLLM's decoder with an input that selects the positions whose logits are computed
    /// (the last one for a prefill or decode step, every drafted one for a speculative check), instead of the
    /// builder's every-position LM head. False computes them all, as the file says; answers are the same either way.
    /// </summary>
    public bool SelectLogitsPositions { get; init; } = true;

    /// <summary>
    /// True (the default): ONNX Runtime's intra-op workers spin between the parallel sections of a <c>Run</c> and stop
    /// when it returns (<c>session.force_spinning_stop</c>), so an idle device does not spin. On a quiet 2-core machine
    /// at two threads, qwen2.5-0.5b decoded 68.8 tokens/s spinning against 60.8 sleeping (waking a worker for each of a
    /// step's few hundred sections costs more than it saves; docs/PERFORMANCE.md). False for a device whose cores
    /// are busy with other work: there a spinning worker takes the core from the thread doing the work, and decode
    /// was measured to halve. A model's <c>config_entries</c> override either way.
    /// </summary>
    public bool IntraOpSpinning { get; init; } = true;

    /// <summary>
    /// True (the default): once EdgeLLM's decoder has opened on the CPU, the process's fully resident anonymous memory
    /// (MLAS's prepacked weights above all) moves to transparent huge pages (<see cref="Memory.ResidentHugePages"/>):
    /// decode reads every weight per token, and on 4 KiB pages the TLB misses cost a few percent of it on the 0.5B
    /// shape (docs/PERFORMANCE.md). The resident set does not grow; loading takes longer by the copy (about a second for
    /// 300 MiB). False keeps small pages.
    /// </summary>
    public bool HugePages { get; init; } = true;

    /// <summary>
    /// Where the decoder's prepacked weights are saved on a first load and mapped on later ones
    /// (<see cref="PrepackedWeightsCache"/>); null or empty turns it off. The default is <c>$CACHE_DIRECTORY/prepacked</c>
    /// (systemd's <c>CacheDirectory=</c>), else <c>$XDG_CACHE_HOME/edgellm/prepacked</c>, else
    /// <c>~/.cache/edgellm/prepacked</c>.
    /// </summary>
    public string? PrepackedWeightsDirectory { get; init; } = DefaultPrepackedWeightsDirectory();

    /// <summary>
    /// Models whose weight files are smaller load without a saved form: their prepacking is milliseconds and its memory
    /// a few MiB (the 6 MB default model: 2.2 MiB of sessions), less than a second file set costs.
    /// </summary>
    public long PrepackedWeightsMinBytes { get; init; } = 32L << 20;

    /// <summary>An explicit libonnxruntime path (<c>EdgeLLM:Onnx:LibraryPath</c>).</summary>
    public string? OnnxRuntimeLibrary { get; init; }

    private static string? DefaultPrepackedWeightsDirectory() =>
        // systemd may list several cache folders, colon-separated: the first is the unit's own.
        Environment.GetEnvironmentVariable("CACHE_DIRECTORY") is { Length: > 0 } systemd
            ? Path.Combine(systemd.Split(':')[0], "prepacked")
            : UserCacheFolder.Of("prepacked");
}
