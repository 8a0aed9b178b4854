using System.Globalization;
using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Cli.Common;

/// <summary>A <see cref="ModelFootprint"/> as the CLI prints it: one row per part, what it is, and the total.</summary>
internal static class FootprintText
{
    public static void Write(TextWriter o, ModelFootprint f)
    {
        o.WriteLine(Invariant($"Memory at {f.BatchSlots} batch {(f.BatchSlots == 1 ? "slot" : "slots")} of {f.SequenceLength} positions (measured from {f.MeasuredBy} at load):"));
        Row(o, "runtime", f.RuntimeBytes, "the process before the model (.NET, host, libraries)");
        Row(o, "sessions", f.SessionBytes, Invariant($"ONNX Runtime: graph, weights, prepacked copies (weights files {ModelFootprint.MiB(f.WeightsFileBytes)})"));
        Row(o, "tokenizer", f.TokenizerBytes, "managed: tokenizer tables, chat template, configuration");
        Row(o, "KV cache", f.KvReservedBytes, Invariant($"reserved for every slot at full context; {ModelFootprint.MiB(f.KvResidentBytes)} resident now"));
        Row(o, "activations", f.ActivationBytes, "estimate at the batch: step buffers and one run's intermediates");
        Row(o, "total", f.RequiredBytes, Invariant($"the model alone {ModelFootprint.MiB(f.ModelBytes)}"));
    }

    private static void Row(TextWriter o, string part, long bytes, string what) =>
        o.WriteLine(Invariant($"  {part,-12} {ModelFootprint.MiB(bytes),12}  {what}"));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
