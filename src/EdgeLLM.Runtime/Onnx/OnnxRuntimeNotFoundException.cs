namespace EdgeLLM.Runtime.Onnx;

/// <summary>libonnxruntime could not be loaded; the message lists every place looked at and why each failed.</summary>
public sealed class OnnxRuntimeNotFoundException(string message) : Exception(message);
