using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Executors.GenAi.Native;

/// <summary>An OgaRequest: one conversation bound to an engine.</summary>
internal sealed class OgaRequestHandle : SafeHandle
{
    public OgaRequestHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal OgaRequestHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OgaNative.OgaDestroyRequest(handle);
        return true;
    }
}
