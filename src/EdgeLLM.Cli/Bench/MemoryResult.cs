using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Cli.Bench;

/// <summary>Where the process's memory went: peak resident set against the model's weights and the reserved KV cache,
/// and the footprint measured at load, part by part.</summary>
/// <param name="LoadPeakBytes">Peak resident set (VmHWM) when the model had loaded: loading's own peak, when ONNX
/// Runtime holds a weight's file pages and its prepacked copy at once.</param>
/// <param name="RunsPeakBytes">Peak resident set of the runs: VmHWM after EdgeLLM's first round, the peak having been
/// reset after loading (<see cref="PeakReset"/>); where it could not be, the same as the process's peak.</param>
/// <param name="PeakReset">True when the kernel reset the peak after loading (<c>/proc/self/clear_refs</c>).</param>
/// <param name="WeightBytes">The model's ONNX files on disk (graph and external data).</param>
/// <param name="KvCacheBytes">KV cache the engine reserved (every batch slot at the bench's sequence length).</param>
/// <param name="Footprint">What loading measured (runtime, sessions, tokenizer) and the KV cache and activation estimate
/// at the bench's batch, with the KV cache's resident part read after the first round.</param>
/// <param name="HugePagesBytes">The process's anonymous memory on transparent huge pages then (the decoder's weights
/// when <c>EdgeLLM:Engine:HugePages</c> is on and the kernel allows).</param>
internal sealed record MemoryResult(long LoadPeakBytes, long RunsPeakBytes, bool PeakReset, long WeightBytes, long KvCacheBytes, ModelFootprint Footprint, long HugePagesBytes)
{
    /// <summary>Peak resident set of the whole bench process up to its first round: loading's or the runs'.</summary>
    public long PeakRssBytes => Math.Max(LoadPeakBytes, RunsPeakBytes);

    /// <summary>Peak RSS beyond weights + KV: the runtime, ONNX Runtime's arenas and prepacked copies, the .NET heap.</summary>
    public long OverheadBytes => PeakRssBytes - WeightBytes - KvCacheBytes;

    /// <summary>Peak RSS beyond what stays resident after loading (runtime, sessions, tokenizer): what running took at its
    /// peak — the KV pages and activations the runs touched — measured, to set beside the footprint's estimate.</summary>
    public long RunPeakBytes => RunsPeakBytes - Footprint.RuntimeBytes - Footprint.SessionBytes - Footprint.TokenizerBytes;
}
