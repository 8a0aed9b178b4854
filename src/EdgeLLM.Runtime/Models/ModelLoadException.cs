using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// A model directory that cannot be served: a missing or malformed file, a <c>genai_config.json</c> field
/// that is absent or wrong, or a graph whose inputs and outputs do not match the configuration.
/// The message names the file and the field or input at fault; where ONNX Runtime refused the model, its message
/// is inside and its error code is <see cref="OnnxRuntimeError"/>.
/// </summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message) : base(message) { }

    public ModelLoadException(string message, Exception inner) : base(message, inner) { }

    /// <summary>ONNX Runtime's error code when ORT refused the model (e.g. <see cref="OrtErrorCode.InvalidProtobuf"/> for a
    /// corrupt file, <see cref="OrtErrorCode.InvalidGraph"/>, <see cref="OrtErrorCode.EpFail"/>); null for EdgeLLM's own checks.</summary>
    public OrtErrorCode? OnnxRuntimeError => InnerException is OnnxRuntimeException e ? OrtErrors.Code(e) : null;
}
