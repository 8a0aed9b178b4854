using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Executors.GenAi.Native;

/// <summary>Reusable storage for the events one OgaEngineRun produces.</summary>
internal sealed class OgaEventBufferHandle : SafeHandle
{
    public OgaEventBufferHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal OgaEventBufferHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OgaNative.OgaDestroyEngineEventBuffer(handle);
        return true;
    }
}
