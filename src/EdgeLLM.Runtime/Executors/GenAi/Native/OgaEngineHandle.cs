using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Executors.GenAi.Native;

/// <summary>An OgaEngine: GenAI's batching scheduler over one model; used only on its owner thread.</summary>
internal sealed class OgaEngineHandle : SafeHandle
{
    public OgaEngineHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal OgaEngineHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OgaNative.OgaDestroyEngine(handle);
        return true;
    }
}
