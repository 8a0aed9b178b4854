using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Memory;

/// <summary>
/// What running a batch needs beyond weights and KV cache, from the model's shape: the budget check needs it before
/// any request has run, so it is an estimate (labelled so wherever it is shown); <c>edgellm bench</c> measures the real
/// transient as peak RSS beyond the loaded footprint.
/// </summary>
public static class ActivationEstimate
{
    // The widest tensors of one layer alive at once, in hidden sizes: the residual, the normalised input, q/k/v and the
    // MLP's gate and up projections (about 4 hidden sizes each in the shapes EdgeLLM serves).
    private const int LayerWidthInHiddenSizes = 12;
    private const int FloatBytes = sizeof(float);

    /// <summary>
    /// Bytes for <paramref name="slots"/> sequences: EdgeLLM's step buffers reserved for every slot (attention-mask row,
    /// logits row, id and position) and one run's intermediates in ONNX Runtime at the widest run the engine makes —
    /// a decode step of every slot or a prefill chunk of <paramref name="prefillChunkTokens"/> — each row with its
    /// attention scores over the whole sequence (GroupQueryAttention on CPU materialises them) and a layer's widest
    /// tensors. ONNX Runtime frees a run's intermediates when it returns (no arena), so this is a peak, not a residue.
    /// </summary>
    public static long Bytes(LanguageModel model, int slots, int prefillChunkTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        slots = Math.Max(1, slots);
        var decoder = model.Config.Model.Decoder;
        long maxLength = model.MaxSequenceLength;
        long vocab = model.Config.Model.VocabSize;
        var stepBuffers = slots * (maxLength * sizeof(long) + vocab * FloatBytes + 2 * sizeof(long));
        long rows = Math.Max(slots, prefillChunkTokens);
        var perRow = ((long)decoder.NumAttentionHeads * maxLength + (long)LayerWidthInHiddenSizes * decoder.HiddenSize) * FloatBytes;
        return stepBuffers + rows * perRow;
    }
}
