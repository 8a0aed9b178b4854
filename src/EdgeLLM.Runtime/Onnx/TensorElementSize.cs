using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>Bytes per element of the tensor types EdgeLLM binds over its own buffers.</summary>
internal static class TensorElementSize
{
    /// <summary>Bytes per element; 0 for strings, which are not fixed-size.</summary>
    public static int Of(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.Int64 or TensorElementType.UInt64 or TensorElementType.Double => 8,
        _ => 0,
    };
}
