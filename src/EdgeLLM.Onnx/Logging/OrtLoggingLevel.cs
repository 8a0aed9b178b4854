namespace EdgeLLM.Onnx;

/// <summary>ONNX Runtime's log severities (<c>OrtLoggingLevel</c>).</summary>
public enum OrtLoggingLevel
{
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}
