namespace EdgeLLM.Runtime.Devices;

/// <summary>One provider of a <see cref="ProviderPlan"/>.</summary>
/// <param name="Name">ONNX Runtime's full name, e.g. <c>TensorrtExecutionProvider</c>.</param>
/// <param name="Available">Whether this ONNX Runtime build offers it.</param>
/// <param name="Reason">Why it cannot be used, when it cannot.</param>
public sealed record ProviderCandidate(string Name, bool Available, string? Reason);
