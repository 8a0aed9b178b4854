using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Memory;

/// <summary>The libc calls <see cref="PagedBuffer"/> and <see cref="NativeHeap"/> need on Linux (constants shared by x86-64 and arm64).</summary>
internal static unsafe partial class LinuxMemory
{
    public const int ProtReadWrite = 0x1 | 0x2;
    // MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE: private zero pages, no swap reserved up front.
    public const int MapPrivateAnonymousNoReserve = 0x02 | 0x20 | 0x4000;
    public const int MadviseDontNeed = 4;
    public static readonly void* MapFailed = (void*)-1;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial void* Map(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Unmap(void* address, nuint length);

    /// <summary>One byte per page of the range; bit 0 set where the page is resident.</summary>
    [LibraryImport("libc", EntryPoint = "mincore", SetLastError = true)]
    public static partial int Residency(void* address, nuint length, byte* pages);

    /// <summary>glibc: hands the free memory of every malloc arena back to the system; 1 if any was released.</summary>
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    public static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int Advise(void* address, nuint length, int advice);
}
