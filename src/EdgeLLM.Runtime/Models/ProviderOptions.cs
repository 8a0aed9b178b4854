namespace EdgeLLM.Runtime.Models;

/// <summary>An execution provider as a model or device profile names it, with its string options.</summary>
/// <param name="Name">The name as written (<c>cuda</c>, <c>qnn</c>, <c>OpenVINO</c>, <c>CUDAExecutionProvider</c>, ...).</param>
/// <param name="Options">Provider options passed to ONNX Runtime unchanged.</param>
public sealed record ProviderOptions(string Name, IReadOnlyDictionary<string, string> Options);
