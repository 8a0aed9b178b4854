using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Memory;

/// <summary>
/// Zeroed native memory that costs resident memory only where it has been written. On Linux it is an anonymous
/// mapping: the kernel commits a page on its first write (reads of untouched pages see the shared zero page), and
/// <see cref="Discard"/> hands whole pages of a range back. So a KV cache or logits rows reserved for every slot of a
/// batch hold, in RSS, only the positions the running sequences have filled, and a finished sequence's pages return to
/// the system. Elsewhere it is an ordinary zeroed allocation that <see cref="Discard"/> only clears.
/// The buffer owns its memory: <c>Dispose</c> (or the finalizer) unmaps or frees it once.
/// </summary>
internal sealed unsafe class PagedBuffer : SafeHandle
{
    private readonly bool _mapped;

    public PagedBuffer(long length) : base(IntPtr.Zero, ownsHandle: true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        if (OperatingSystem.IsLinux())
        {
            var p = LinuxMemory.Map(null, (nuint)length, LinuxMemory.ProtReadWrite, LinuxMemory.MapPrivateAnonymousNoReserve, -1, 0);
            if (p == LinuxMemory.MapFailed)
            {
                throw new InsufficientMemoryException($"mmap of {length} bytes failed (errno {Marshal.GetLastPInvokeError()})");
            }
            _mapped = true;
            SetHandle((IntPtr)p);
        }
        else
        {
            // 64-byte alignment for vector loads, as the aligned allocations this replaces had.
            var p = NativeMemory.AlignedAlloc((nuint)length, 64);
            NativeMemory.Clear(p, (nuint)length);
            SetHandle((IntPtr)p);
        }
    }

    public long Length { get; }

    /// <summary>The start of the buffer (page-aligned on Linux).</summary>
    public byte* Pointer => (byte*)handle;

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>
    /// Makes <paramref name="length"/> bytes from <paramref name="offset"/> read as zero again, returning the whole
    /// pages among them to the system (the partial pages at either end are cleared, as they hold neighbours' bytes).
    /// </summary>
    public void Discard(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, Length);
        if (length == 0)
        {
            return;
        }
        var start = Pointer + offset;
        if (!_mapped)
        {
            NativeMemory.Clear(start, (nuint)length);
            return;
        }
        long page = Environment.SystemPageSize;
        var firstWhole = (offset + page - 1) / page * page;
        var endWhole = (offset + length) / page * page;
        if (endWhole <= firstWhole)
        {
            NativeMemory.Clear(start, (nuint)length);
            return;
        }
        NativeMemory.Clear(start, (nuint)(firstWhole - offset));
        NativeMemory.Clear(Pointer + endWhole, (nuint)(offset + length - endWhole));
        // MADV_DONTNEED on a private anonymous mapping: the pages are freed and read as zero on next touch.
        if (LinuxMemory.Advise(Pointer + firstWhole, (nuint)(endWhole - firstWhole), LinuxMemory.MadviseDontNeed) != 0)
        {
            NativeMemory.Clear(Pointer + firstWhole, (nuint)(endWhole - firstWhole));
        }
    }

    /// <summary>
    /// Bytes of this buffer in resident pages (mincore), for measuring and the tests: not a hot-path call. An upper
    /// bound: a page only read since it was last written maps the shared zero page, which mincore counts and RSS does
    /// not. Elsewhere than Linux the whole buffer is committed and counts.
    /// </summary>
    public long ResidentBytes()
    {
        if (!_mapped)
        {
            return Length;
        }
        long page = Environment.SystemPageSize;
        var pages = (Length + page - 1) / page;
        var vector = new byte[pages];
        fixed (byte* v = vector)
        {
            if (LinuxMemory.Residency(Pointer, (nuint)Length, v) != 0)
            {
                throw new InvalidOperationException($"mincore failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        var resident = 0L;
        foreach (var b in vector)
        {
            resident += b & 1;
        }
        return resident * page;
    }

    protected override bool ReleaseHandle()
    {
        if (_mapped)
        {
            return LinuxMemory.Unmap((void*)handle, (nuint)Length) == 0;
        }
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
