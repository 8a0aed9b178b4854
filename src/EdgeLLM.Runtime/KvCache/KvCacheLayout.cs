using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.KvCache;

/// <summary>Shape of a model's KV cache: what one token and one sequence cost in bytes.</summary>
public sealed record KvCacheLayout(int Layers, int KvHeads, int HeadSize, TensorElementType ElementType)
{
    public int ElementSize => TensorElementSize.Of(ElementType);

    /// <summary>Key and value, every layer and KV head, for one position.</summary>
    public long BytesPerToken => 2L * Layers * KvHeads * HeadSize * ElementSize;

    public long BytesPerSequence(int positions) => BytesPerToken * positions;
}
