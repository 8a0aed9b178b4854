namespace EdgeLLM.Cli.Bench;

/// <summary>Where the process's memory went: peak resident set against the model's weights and the preallocated KV cache.</summary>
/// <param name="PeakRssBytes">Peak resident set of the whole bench process (VmHWM) after every EdgeLLM run.</param>
/// <param name="WeightBytes">The model's ONNX files on disk (graph and external data).</param>
/// <param name="KvCacheBytes">KV cache the engine preallocated (every batch slot at the bench's sequence length).</param>
internal sealed record MemoryResult(long PeakRssBytes, long WeightBytes, long KvCacheBytes)
{
    /// <summary>Peak RSS beyond weights + KV: the runtime, ONNX Runtime's arenas and prepacked copies, the .NET heap.</summary>
    public long OverheadBytes => PeakRssBytes - WeightBytes - KvCacheBytes;
}
