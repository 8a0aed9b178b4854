using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

/// <summary>libmosquitto's own descriptions of its error codes and of MQTT reason codes.</summary>
internal static class MosquittoText
{
    /// <summary><c>mosquitto_strerror</c>; for <see cref="MqttErrorCode.Errno"/> the caller should pass the captured errno.</summary>
    public static string Error(int error, int errno = 0)
    {
        if (error == (int)MqttErrorCode.Errno && errno != 0)
        {
            return Marshal.GetPInvokeErrorMessage(errno);
        }
        return Describe(MosquittoNative.StrError(error), $"libmosquitto error {error}");
    }

    /// <summary><c>mosquitto_reason_string</c>.</summary>
    public static string Reason(int reasonCode) =>
        Describe(MosquittoNative.ReasonString(reasonCode), $"reason code {reasonCode}");

    private static string Describe(IntPtr text, string fallback) =>
        text == IntPtr.Zero ? fallback : Marshal.PtrToStringUTF8(text) ?? fallback;
}
