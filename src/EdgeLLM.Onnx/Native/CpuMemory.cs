namespace EdgeLLM.Onnx.Native;

/// <summary>Process-wide CPU memory info and default allocator, created once: ORT keeps both alive as long as
/// the library is loaded, so they are never released.</summary>
internal static unsafe class CpuMemory
{
    private static IntPtr _info;
    private static IntPtr _allocator;

    public static IntPtr Info
    {
        get
        {
            if (_info == IntPtr.Zero)
            {
                IntPtr info;
                OrtStatus.Check(OrtApi.CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &info));
                if (Interlocked.CompareExchange(ref _info, info, IntPtr.Zero) != IntPtr.Zero)
                {
                    OrtApi.ReleaseMemoryInfo(info);
                }
            }
            return _info;
        }
    }

    public static IntPtr Allocator
    {
        get
        {
            if (_allocator == IntPtr.Zero)
            {
                IntPtr allocator;
                OrtStatus.Check(OrtApi.GetAllocatorWithDefaultOptions(&allocator));
                _allocator = allocator;
            }
            return _allocator;
        }
    }

    public static void Free(void* p)
    {
        if (p != null)
        {
            OrtStatus.Check(OrtApi.AllocatorFree(Allocator, p));
        }
    }
}
