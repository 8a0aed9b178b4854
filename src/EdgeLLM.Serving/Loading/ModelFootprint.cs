using System.Globalization;
using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Serving.Loading;

/// <summary>
/// What serving a model costs this process, part by part, as measured when it was loaded: the memory budget check,
/// <c>/v1/models</c>, <c>edgellm doctor</c> and <c>edgellm bench</c> all read this one record.
/// </summary>
/// <remarks>
/// Measured: <see cref="RuntimeBytes"/> (the process before any model), <see cref="SessionBytes"/> and
/// <see cref="TokenizerBytes"/> (what the load added to the resident set, split into native and managed) and
/// <see cref="KvResidentBytes"/> (page by page). Computed exactly from the shape: <see cref="KvReservedBytes"/>.
/// Estimated from the shape: <see cref="ActivationBytes"/>. <see cref="MeasuredBy"/> says how resident memory was read.
/// </remarks>
public sealed record ModelFootprint
{
    /// <summary>The process before any model: the .NET runtime, the host, the libraries (resident set when the serving
    /// plan was made).</summary>
    public required long RuntimeBytes { get; init; }

    /// <summary>The model's ONNX files on disk, for comparison with <see cref="SessionBytes"/> (not a part of the sum).</summary>
    public required long WeightsFileBytes { get; init; }

    /// <summary>Native memory the load kept resident: ONNX Runtime's sessions (the graph, the weights read or mapped,
    /// MLAS's prepacked copies, its own allocations; GenAI's model when GenAI serves; a draft model's), and on the
    /// process's first load ONNX Runtime's own start; with prepacked weights mapped from their saved form, those weights
    /// too (<see cref="LanguageModel.MappedWeightBytes"/>), resident from the first run on though loading did not read them.</summary>
    public required long SessionBytes { get; init; }

    /// <summary>Managed memory the load kept alive: the tokenizer's tables, the chat template, the configuration.</summary>
    public required long TokenizerBytes { get; init; }

    /// <summary>Sequences the engine decodes together (the KV cache and activations are for this many).</summary>
    public required int BatchSlots { get; init; }

    /// <summary>Positions each sequence may hold.</summary>
    public required int SequenceLength { get; init; }

    /// <summary>KV cache reserved for every slot at full context: what a full batch of full-length sequences holds.</summary>
    public required long KvReservedBytes { get; init; }

    /// <summary>The part of <see cref="KvReservedBytes"/> resident when measured (pages become resident as sequences write).</summary>
    public required long KvResidentBytes { get; init; }

    /// <summary>Step buffers and one run's intermediates at the batch: an estimate from the shape (<see cref="ActivationEstimate"/>).</summary>
    public required long ActivationBytes { get; init; }

    /// <summary>How resident memory was read: <c>/proc/self/status</c> on Linux, else the working set (an estimate).</summary>
    public required string MeasuredBy { get; init; }

    /// <summary>What the model adds to the process at its full batch: sessions, tokenizer, reserved KV cache and activations.</summary>
    public long ModelBytes => SessionBytes + TokenizerBytes + KvReservedBytes + ActivationBytes;

    /// <summary>What the process needs to serve this model at its full batch: the runtime and <see cref="ModelBytes"/>;
    /// this is what the memory budget must hold.</summary>
    public long RequiredBytes => RuntimeBytes + ModelBytes;

    /// <summary>The footprint of <paramref name="model"/> at <paramref name="slots"/> sequences, from what its load
    /// measured: the one place the memory a model needs is added up.</summary>
    internal static ModelFootprint Of(LanguageModel model, ServingPlan plan, LoadCost cost, int slots, long kvResidentBytes = 0) => new()
    {
        RuntimeBytes = plan.RuntimeBytes,
        WeightsFileBytes = model.WeightsBytes,
        SessionBytes = cost.NativeBytes + model.MappedWeightBytes,
        TokenizerBytes = cost.ManagedBytes,
        BatchSlots = slots,
        SequenceLength = model.MaxSequenceLength,
        KvReservedBytes = model.KvReservedBytes(slots),
        KvResidentBytes = kvResidentBytes,
        ActivationBytes = ActivationEstimate.Bytes(model, slots, plan.PrefillChunkTokens),
        MeasuredBy = ProcessMemory.Source,
    };

    /// <summary>The parts as a budget message names them: "runtime 40.1 MiB + sessions 12.0 MiB + …".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"runtime {MiB(RuntimeBytes)} + sessions {MiB(SessionBytes)} (weights files {MiB(WeightsFileBytes)}) + tokenizer {MiB(TokenizerBytes)} + " +
        $"KV cache {MiB(KvReservedBytes)} for {BatchSlots} {(BatchSlots == 1 ? "sequence" : "sequences")} of {SequenceLength} positions ({MiB(KvResidentBytes)} resident now) + " +
        $"activations {MiB(ActivationBytes)} (estimate) = {MiB(RequiredBytes)}; measured from {MeasuredBy}");

    /// <summary>Bytes as MiB with two decimals, as the reports print them.</summary>
    public static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):F2} MiB");
}
