namespace EdgeLLM.Runtime.Models;

/// <summary>
/// Whether ONNX Runtime's intra-op workers spin between the parallel sections of a Run. A decode step runs a few hundred
/// parallel sections (several per layer); a sleeping worker takes tens of microseconds to wake for each. With a
/// model of a few megabytes a step lasts about a millisecond and those wake-ups are most of it, so workers spin. From
/// tens of megabytes of weights a step lasts tens of milliseconds and the wake-ups are a few percent of it, while a
/// spinning worker keeps a core busy that the service, the OS and anything else on the device need: on a 2-core
/// machine under load, qwen2.5-0.5b with two threads decoded 6.3 tokens/s spinning and 13–18 without (one thread:
/// 9–11; docs/PERFORMANCE.md). A model's <c>config_entries</c> can still set
/// <c>session.intra_op.allow_spinning</c> either way.
/// </summary>
internal static class IntraOpSpinning
{
    /// <summary>Weights above which a decode step is long enough that spinning workers cost more than they save.</summary>
    internal const long MaxSpinningWeightBytes = 64L << 20;

    /// <summary><c>"1"</c> when the model in <paramref name="directory"/> is small enough for spinning to pay, else <c>"0"</c>.</summary>
    public static string For(string directory) => WeightBytes(directory) <= MaxSpinningWeightBytes ? "1" : "0";

    /// <summary>Bytes of the ONNX files and their external data (the builder's <c>.onnx.data</c>, or <c>.onnx_data</c>).</summary>
    internal static long WeightBytes(string directory) => System.IO.Directory.EnumerateFiles(directory)
        .Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".data", StringComparison.Ordinal) || f.EndsWith(".onnx_data", StringComparison.Ordinal))
        .Sum(f => new FileInfo(f).Length);
}
