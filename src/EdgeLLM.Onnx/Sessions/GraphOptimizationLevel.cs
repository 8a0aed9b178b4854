namespace EdgeLLM.Onnx;

/// <summary>How much ONNX Runtime rewrites the graph before running it.</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    Basic = 1,
    Extended = 2,
    Layout = 3,
    All = 99,
}
