using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Executors.GenAi.Native;

/// <summary>The generation options of one turn of a request.</summary>
internal sealed class OgaTurnOptionsHandle : SafeHandle
{
    public OgaTurnOptionsHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal OgaTurnOptionsHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OgaNative.OgaDestroyTurnOptions(handle);
        return true;
    }
}
