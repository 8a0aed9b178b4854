using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// Owns one <c>struct mosquitto*</c>. Release calls <c>mosquitto_destroy</c>, which must only happen after the network
/// loop has stopped: the client keeps this handle reachable from its callback target until then, so the finalizer can
/// never destroy an instance whose thread is still running.
/// </summary>
internal sealed class MosquittoHandle : SafeHandle
{
    public MosquittoHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private MosquittoHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Creates an instance; <paramref name="userdata"/> is passed to every callback.</summary>
    public static MosquittoHandle Create(string? clientId, bool cleanStart, IntPtr userdata)
    {
        IntPtr raw = MosquittoNative.New(clientId, cleanStart, userdata);
        if (raw == IntPtr.Zero)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new MqttException(
                $"mosquitto_new failed for client id '{clientId}' ({(errno == 0 ? "out of memory or invalid client id" : Marshal.GetPInvokeErrorMessage(errno))}).",
                MqttErrorCode.InvalidInput);
        }
        return new MosquittoHandle(raw);
    }

    protected override bool ReleaseHandle()
    {
        MosquittoNative.Destroy(handle);
        return true;
    }
}
