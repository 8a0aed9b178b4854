namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>A call into ONNX Runtime GenAI failed; <see cref="NativeMessage"/> is GenAI's own error text.</summary>
public sealed class GenAiException : Exception
{
    public GenAiException(string call, string nativeMessage)
        : base($"ONNX Runtime GenAI {call} failed: {nativeMessage}")
    {
        Call = call;
        NativeMessage = nativeMessage;
    }

    /// <summary>The C function that failed, e.g. <c>OgaCreateModelFromConfig</c>.</summary>
    public string Call { get; }

    /// <summary>The message from GenAI's <c>OgaResult</c>.</summary>
    public string NativeMessage { get; }
}
