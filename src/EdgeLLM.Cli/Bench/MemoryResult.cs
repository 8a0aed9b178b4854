using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Cli.Bench;

/// <summary>Where the process's memory went: peak resident set against the model's weights and the reserved KV cache,
/// and the footprint measured at load, part by part.</summary>
/// <param name="PeakRssBytes">Peak resident set of the whole bench process (VmHWM) after every EdgeLLM run.</param>
/// <param name="WeightBytes">The model's ONNX files on disk (graph and external data).</param>
/// <param name="KvCacheBytes">KV cache the engine reserved (every batch slot at the bench's sequence length).</param>
/// <param name="Footprint">What loading measured (runtime, sessions, tokenizer) and the KV cache and activation estimate
/// at the bench's batch, with the KV cache's resident part read after the first round.</param>
/// <param name="HugePagesBytes">The process's anonymous memory on transparent huge pages then (the decoder's weights
/// when <c>EdgeLLM:Engine:HugePages</c> is on and the kernel allows).</param>
internal sealed record MemoryResult(long PeakRssBytes, long WeightBytes, long KvCacheBytes, ModelFootprint Footprint, long HugePagesBytes)
{
    /// <summary>Peak RSS beyond weights + KV: the runtime, ONNX Runtime's arenas and prepacked copies, the .NET heap.</summary>
    public long OverheadBytes => PeakRssBytes - WeightBytes - KvCacheBytes;

    /// <summary>Peak RSS beyond what stays resident after loading (runtime, sessions, tokenizer): what running took at its
    /// peak — the KV pages and activations the runs touched — measured, to set beside the footprint's estimate.</summary>
    public long RunPeakBytes => PeakRssBytes - Footprint.RuntimeBytes - Footprint.SessionBytes - Footprint.TokenizerBytes;
}
