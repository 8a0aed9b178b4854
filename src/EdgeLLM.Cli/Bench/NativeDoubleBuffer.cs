using System.Runtime.InteropServices;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// An array of doubles outside the managed heap, freed the moment it is disposed. The triad's hundreds of megabytes
/// must leave the process when the measurement ends: as managed arrays they stay resident after the GC has collected
/// them (it keeps the large-object pages mapped), and a service hosted later in the same process counts its
/// neighbour's resident memory as its own runtime footprint. A block this large comes from its own <c>mmap</c>, so
/// freeing it returns the pages to the system at once.
/// </summary>
internal sealed unsafe class NativeDoubleBuffer : SafeHandle
{
    public NativeDoubleBuffer(int length)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        SetHandle((IntPtr)NativeMemory.AlignedAlloc((nuint)length * sizeof(double), 64));
    }

    public int Length { get; }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The elements from <paramref name="start"/>; valid until the buffer is disposed.</summary>
    public Span<double> Slice(int start, int length)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)start + length, Length);
        return new Span<double>((double*)handle + start, length);
    }

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
