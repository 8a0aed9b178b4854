using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// Reads what EdgeLLM's typed errors carry out of the package's <see cref="OnnxRuntimeException"/>, which holds ORT's
/// error code only as the prefix of its message (<c>[ErrorCode:InvalidGraph] ...</c>).
/// </summary>
internal static class OrtErrors
{
    private const string Prefix = "[ErrorCode:";

    /// <summary>ORT's own message, without the code prefix.</summary>
    public static string Message(OnnxRuntimeException e)
    {
        var m = e.Message;
        return m.StartsWith(Prefix, StringComparison.Ordinal) && m.IndexOf("] ", StringComparison.Ordinal) is var end and > 0 ? m[(end + 2)..] : m;
    }

    /// <summary>ORT's error code (an invalid graph, a missing file, an execution provider's failure, ...); null when the
    /// message has no code prefix.</summary>
    public static OrtErrorCode? Code(OnnxRuntimeException e)
    {
        var m = e.Message;
        if (!m.StartsWith(Prefix, StringComparison.Ordinal) || m.IndexOf(']', StringComparison.Ordinal) is not (var end and > 0))
        {
            return null;
        }
        return Enum.TryParse<OrtErrorCode>(m.AsSpan(Prefix.Length, end - Prefix.Length), ignoreCase: true, out var code) ? code : null;
    }
}
