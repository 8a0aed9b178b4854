using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Executors.GenAi.Native;

/// <summary>Turns GenAI's <c>OgaResult*</c> (null on success) into a <see cref="GenAiException"/> carrying its message.</summary>
internal static unsafe class OgaResult
{
    /// <summary>Throws when <paramref name="result"/> is an error; the result is destroyed on every path.</summary>
    /// <param name="result">What the native call returned.</param>
    /// <param name="call">The native function, named in the exception.</param>
    public static void Check(IntPtr result, string call)
    {
        if (result == IntPtr.Zero)
        {
            return;
        }
        try
        {
            var message = Marshal.PtrToStringUTF8((IntPtr)OgaNative.OgaResultGetError(result)) ?? "unknown error";
            throw new GenAiException(call, message);
        }
        finally
        {
            OgaNative.OgaDestroyResult(result);
        }
    }
}
