namespace EdgeLLM.Onnx;

/// <summary>Whether independent graph branches may run in parallel (on the inter-op thread pool).</summary>
public enum ExecutionMode
{
    Sequential = 0,
    Parallel = 1,
}
