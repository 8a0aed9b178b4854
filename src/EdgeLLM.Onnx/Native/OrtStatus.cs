using System.Runtime.InteropServices;

namespace EdgeLLM.Onnx.Native;

/// <summary>Turns an <c>OrtStatus*</c> into an <see cref="OnnxRuntimeException"/> (NULL is success).</summary>
internal static unsafe class OrtStatus
{
    public static void Check(IntPtr status)
    {
        if (status != IntPtr.Zero)
        {
            throw ToException(status);
        }
    }

    public static OnnxRuntimeException ToException(IntPtr status)
    {
        var code = (OrtErrorCode)OrtApi.GetErrorCode(status);
        var message = Marshal.PtrToStringUTF8((IntPtr)OrtApi.GetErrorMessage(status)) ?? "(no message)";
        OrtApi.ReleaseStatus(status);
        return new OnnxRuntimeException(code, message.TrimEnd());
    }
}
