namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// ONNX Runtime's error codes (<c>OrtErrorCode</c> of the C API). The managed package keeps its own enum internal and
/// writes the code only into the message, so EdgeLLM reads it back into this one to keep failures distinguishable.
/// </summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    EpFail = 11,
    ModelLoadCanceled = 12,
    ModelRequiresCompilation = 13,
    NotFound = 14,
}
