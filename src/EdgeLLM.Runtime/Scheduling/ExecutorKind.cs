namespace EdgeLLM.Runtime.Scheduling;

/// <summary>The executors a model can run on (<c>"executor"</c> in a device profile, <c>EdgeLLM:Engine:Executor</c>).</summary>
public enum ExecutorKind
{
    /// <summary>EdgeLLM's own loop over its ONNX Runtime binding: continuous batching, prefix cache (<c>edgellm</c>).</summary>
    EdgeLLM,

    /// <summary>ONNX Runtime GenAI's engine (<c>genai</c>): its model variants, providers and batching.</summary>
    GenAi,
}
