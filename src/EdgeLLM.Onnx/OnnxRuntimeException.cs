namespace EdgeLLM.Onnx;

/// <summary>An ONNX Runtime call failed; carries ORT's error code and its message unchanged.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode code, string message)
        : base($"[{code}] {message}")
    {
        ErrorCode = code;
        OrtMessage = message;
    }

    public OrtErrorCode ErrorCode { get; }

    /// <summary>ORT's own message, without the code prefix.</summary>
    public string OrtMessage { get; }
}
