using System.Runtime.InteropServices;

namespace EdgeLLM.Onnx.Native;

/// <summary>Owns exactly one ONNX Runtime object and releases it with the matching <c>Release*</c> function.</summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> _release;

    public OrtHandle(IntPtr handle, delegate* unmanaged[Cdecl]<IntPtr, void> release)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        _release(handle);
        return true;
    }
}
