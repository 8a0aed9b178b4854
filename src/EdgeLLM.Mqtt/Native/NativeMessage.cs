using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// <c>struct mosquitto_message</c>. Valid only while the message callback runs: everything kept must be copied.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeMessage
{
    public int Mid;
    public IntPtr Topic;
    public IntPtr Payload;
    public int PayloadLength;
    public int Qos;
    /// <summary>C <c>bool</c>.</summary>
    public byte Retain;
}
