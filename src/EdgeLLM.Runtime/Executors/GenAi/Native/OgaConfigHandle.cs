using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Executors.GenAi.Native;

/// <summary>An OgaConfig (genai_config.json plus provider and overlay edits).</summary>
internal sealed class OgaConfigHandle : SafeHandle
{
    public OgaConfigHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal OgaConfigHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OgaNative.OgaDestroyConfig(handle);
        return true;
    }
}
