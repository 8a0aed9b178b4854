using System.Diagnostics;
using System.Globalization;

namespace EdgeLLM.Runtime.Memory;

/// <summary>
/// Backs the process's resident anonymous memory with transparent huge pages once a model's weights are in memory.
/// Decode reads every weight once per token: at 4 KiB pages the 0.5B shape's ~300 MiB of prepacked weights span some
/// 75,000 pages, and a step's TLB misses cost a few percent of decode (docs/PERFORMANCE.md: 1.07× in one A/B). Debian's
/// default (<c>transparent_hugepage=madvise</c>) gives huge pages only to memory that asks, and ONNX Runtime's
/// allocations do not ask.
/// </summary>
/// <remarks>
/// Only 2 MiB extents whose every page is already resident are collapsed (<c>MADV_COLLAPSE</c>, Linux 6.1), so the
/// resident set does not grow: lazily committed buffers (the KV cache) keep their small pages and their untouched
/// pages stay unbacked. The kernel copies each extent into a huge page once, at load (about a second for 300 MiB).
/// Where the kernel cannot (older kernels, <c>never</c>, another OS, a huge page over 32 MiB as on 64 KiB-page arm64
/// kernels), nothing changes and the result says why.
/// </remarks>
public static class ResidentHugePages
{
    private const int MadviseCollapse = 25;
    private const long LargestUsefulHugePage = 32L << 20;

    /// <summary>Collapses every fully resident, huge-page-aligned extent of the process's anonymous memory.</summary>
    public static HugePageCollapse Collapse()
    {
        if (!OperatingSystem.IsLinux())
        {
            return HugePageCollapse.NotDone("transparent huge pages are a Linux feature");
        }
        var hugePage = HugePageBytes();
        if (Refusal(ThpMode(), hugePage, Environment.OSVersion.Version) is { } reason)
        {
            return HugePageCollapse.NotDone(reason);
        }
        var started = Stopwatch.GetTimestamp();
        long collapsed = 0;
        var refused = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            if (AnonymousRegion(line) is not { } region)
            {
                continue;
            }
            foreach (var extent in Extents(region.Start, region.End, hugePage))
            {
                switch (TryCollapse(extent, hugePage))
                {
                    case Outcome.Collapsed:
                        collapsed += hugePage;
                        break;
                    case Outcome.Refused:
                        refused++;
                        break;
                }
            }
        }
        return new HugePageCollapse(collapsed, refused, Stopwatch.GetElapsedTime(started), AnonHugePagesBytes(), null);
    }

    /// <summary>
    /// Why no extent can be collapsed, from the kernel's THP mode (the text of
    /// <c>/sys/kernel/mm/transparent_hugepage/enabled</c>, null where it is absent), its huge page size and its
    /// version; null when collapsing can go ahead.
    /// </summary>
    internal static string? Refusal(string? thpMode, long hugePageBytes, Version kernel) =>
        thpMode is null ? "this kernel has no transparent huge pages"
        : thpMode.Contains("[never]", StringComparison.Ordinal) ? "transparent huge pages are off (transparent_hugepage=never)"
        : kernel.Major < 6 || (kernel.Major == 6 && kernel.Minor < 1) ? $"this kernel ({kernel}) has no MADV_COLLAPSE (Linux 6.1 or later)"
        : hugePageBytes <= 0 ? "this kernel does not say its huge page size"
        : hugePageBytes > LargestUsefulHugePage ? $"huge pages here are {hugePageBytes >> 20} MiB: too coarse for a model's buffers"
        : null;

    private static string? ThpMode()
    {
        try
        {
            return File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long HugePageBytes()
    {
        try
        {
            return long.TryParse(File.ReadAllText("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The range of a <c>/proc/self/maps</c> line ("start-end perms offset dev inode [path]") when it is private,
    /// anonymous (inode 0, no path but the C heap's <c>[heap]</c>) and read-write: the C heap, mmap'd allocations, the
    /// GC's regions; null for code, files, stacks and anything else.
    /// </summary>
    internal static (long Start, long End)? AnonymousRegion(string mapsLine) =>
        ProcFile.Mapping(mapsLine) is { Perms: "rw-p", Inode: "0" } m && (m.Path.Length == 0 || m.Path == "[heap]") ? (m.Start, m.End) : null;

    /// <summary>The whole huge-page-aligned extents inside [<paramref name="start"/>, <paramref name="end"/>): the
    /// kernel collapses only aligned ones, and a mapping's unaligned head and tail keep their small pages.</summary>
    internal static IEnumerable<long> Extents(long start, long end, long hugePage)
    {
        for (var extent = (start + hugePage - 1) / hugePage * hugePage; extent + hugePage <= end; extent += hugePage)
        {
            yield return extent;
        }
    }

    private enum Outcome { Collapsed, NotResident, Refused }

    private static unsafe Outcome TryCollapse(long extent, long hugePage)
    {
        var pages = (int)(hugePage / Environment.SystemPageSize);
        var resident = stackalloc byte[pages];
        if (LinuxMemory.Residency((void*)extent, (nuint)hugePage, resident) != 0)
        {
            return Outcome.NotResident; // unmapped since /proc/self/maps was read
        }
        for (var p = 0; p < pages; p++)
        {
            if ((resident[p] & 1) == 0)
            {
                return Outcome.NotResident;
            }
        }
        // EAGAIN/ENOMEM: no huge page free now, or the extent changed under the copy; EINVAL: the mapping refuses huge
        // pages. Either way this extent keeps its small pages.
        return LinuxMemory.Advise((void*)extent, (nuint)hugePage, MadviseCollapse) == 0 ? Outcome.Collapsed : Outcome.Refused;
    }

    /// <summary>The kernel's own count of the process's anonymous memory in huge pages (<c>/proc/self/smaps_rollup</c>).</summary>
    public static long AnonHugePagesBytes() => ProcFile.KilobytesField("/proc/self/smaps_rollup", "AnonHugePages:") ?? 0;
}

/// <summary>What <see cref="ResidentHugePages.Collapse"/> did: the bytes it collapsed, the extents the kernel refused
/// (no huge page free), the time, and the process's anonymous huge pages after it; or why nothing was tried.</summary>
public readonly record struct HugePageCollapse(long CollapsedBytes, int Refused, TimeSpan Elapsed, long AnonHugePagesBytes, string? NotDoneReason)
{
    public static HugePageCollapse NotDone(string reason) => new(0, 0, TimeSpan.Zero, 0, reason);

    public override string ToString() => NotDoneReason is { } reason
        ? $"weights stay on small pages: {reason}"
        : string.Create(CultureInfo.InvariantCulture,
            $"{CollapsedBytes >> 20} MiB of resident memory moved to huge pages in {Elapsed.TotalMilliseconds:F0} ms ({Refused} extents refused; {AnonHugePagesBytes >> 20} MiB on huge pages now)");
}
