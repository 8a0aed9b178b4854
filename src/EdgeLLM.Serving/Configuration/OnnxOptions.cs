namespace EdgeLLM.Serving.Configuration;

/// <summary><c>EdgeLLM:Onnx</c>.</summary>
public sealed class OnnxOptions
{
    /// <summary>Another ONNX Runtime build (CUDA/TensorRT on Jetson, QNN, OpenVINO) by path.</summary>
    public string? LibraryPath { get; set; }
}
