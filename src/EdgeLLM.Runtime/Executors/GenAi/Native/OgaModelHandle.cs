using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Executors.GenAi.Native;

/// <summary>An OgaModel: the loaded sessions of one model directory.</summary>
internal sealed class OgaModelHandle : SafeHandle
{
    public OgaModelHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal OgaModelHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OgaNative.OgaDestroyModel(handle);
        return true;
    }
}
