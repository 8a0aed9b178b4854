using System.Text;

namespace EdgeLLM.Onnx.Native;

/// <summary>NUL-terminated UTF-8 for strings passed to ONNX Runtime outside hot paths.</summary>
internal static class Utf8
{
    public static byte[] Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
