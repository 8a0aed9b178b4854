using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>Tensors over memory EdgeLLM owns (native buffers it allocated): ORT reads and writes them in place.</summary>
internal static class NativeTensor
{
    /// <summary>An <see cref="OrtValue"/> of <paramref name="shape"/> over <paramref name="data"/>, which the caller keeps
    /// alive (and unmoved) longer than the value.</summary>
    public static OrtValue Over(IntPtr data, TensorElementType type, long[] shape)
    {
        var bytes = (long)TensorElementSize.Of(type);
        foreach (var d in shape)
        {
            bytes = checked(bytes * d);
        }
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, data, bytes);
    }
}
