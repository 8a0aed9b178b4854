using System.Globalization;
using EdgeLLM.Runtime.Memory;

namespace EdgeLLM.Runtime.Tests.Memory;

// One at a time: a collapse walks the whole process, and the other tests' mappings would change what these read.
[CollectionDefinition(nameof(ResidentHugePagesTests), DisableParallelization = true)]
public sealed class ResidentHugePagesCollection;

[Collection(nameof(ResidentHugePagesTests))]
public unsafe class ResidentHugePagesTests
{
    private const int MiB = 1 << 20;
    private static readonly int Page = Environment.SystemPageSize;

    [Fact]
    public void Fully_resident_memory_moves_to_huge_pages_where_the_kernel_can_and_the_result_says_why_where_it_cannot()
    {
        using var weights = new PagedBuffer(16L * MiB);
        new Span<byte>(weights.Pointer, 16 * MiB).Fill(0x5A);

        var result = ResidentHugePages.Collapse();

        if (!KernelCanCollapse(out var why))
        {
            Assert.NotNull(result.NotDoneReason);
            Assert.Contains(why, result.NotDoneReason);
            Assert.Equal(0, result.CollapsedBytes);
            return;
        }
        Assert.Null(result.NotDoneReason);
        // 16 MiB from a page-aligned address holds at least seven whole 2 MiB extents.
        var huge = AnonHugePagesOf((long)weights.Pointer);
        Assert.True(huge >= 14L * MiB, $"{huge} bytes of the filled buffer on huge pages; {result}");
        Assert.True(result.CollapsedBytes >= huge, result.ToString());
        Assert.True(result.AnonHugePagesBytes >= huge, result.ToString());
        // The bytes are the same bytes.
        Assert.True(new ReadOnlySpan<byte>(weights.Pointer, 16 * MiB).IndexOfAnyExcept((byte)0x5A) < 0);
    }

    [Fact]
    public void Memory_not_wholly_resident_keeps_its_small_pages_and_gains_no_resident_page()
    {
        // A lazily committed buffer, as the KV cache is: every other page written.
        using var kv = new PagedBuffer(8L * MiB);
        for (var offset = 0; offset < 8 * MiB; offset += 2 * Page)
        {
            kv.Pointer[offset] = 1;
        }
        var before = kv.ResidentBytes();

        ResidentHugePages.Collapse();

        Assert.Equal(4L * MiB, before);
        Assert.Equal(before, kv.ResidentBytes());
        Assert.Equal(0, AnonHugePagesOf((long)kv.Pointer));
    }

    [Fact]
    public void The_regions_walked_are_the_anonymous_writable_ones()
    {
        using var buffer = new PagedBuffer(4L * MiB);
        var address = (long)buffer.Pointer;

        var regions = ResidentHugePages.AnonymousRegions().ToList();

        Assert.Contains(regions, r => r.Start <= address && address + 4L * MiB <= r.End);
        // The runtime's own code is file-backed and read-only: never a candidate.
        var code = (long)(delegate*<int>)&AnyFunction;
        Assert.DoesNotContain(regions, r => r.Start <= code && code < r.End);
    }

    [Fact]
    public void The_result_reads_as_a_load_log_line()
    {
        Assert.Equal("weights stay on small pages: off here", HugePageCollapse.NotDone("off here").ToString());
        var done = new HugePageCollapse(300L * MiB, 2, TimeSpan.FromMilliseconds(812.4), 310L * MiB, null);
        Assert.Equal("300 MiB of resident memory moved to huge pages in 812 ms (2 extents refused; 310 MiB on huge pages now)", done.ToString());
    }

    private static int AnyFunction() => 42;

    /// <summary>Whether this machine can collapse (Linux 6.1+, huge pages not off, a PMD of at most 32 MiB) and, if not,
    /// the words the result must use.</summary>
    private static bool KernelCanCollapse(out string why)
    {
        why = "";
        if (!OperatingSystem.IsLinux())
        {
            why = "Linux";
            return false;
        }
        if (!File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"))
        {
            why = "no transparent huge pages";
            return false;
        }
        if (File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]", StringComparison.Ordinal))
        {
            why = "never";
            return false;
        }
        var v = Environment.OSVersion.Version;
        if (v.Major < 6 || (v.Major == 6 && v.Minor < 1))
        {
            why = "MADV_COLLAPSE";
            return false;
        }
        return true;
    }

    /// <summary>AnonHugePages of the mapping that holds <paramref name="address"/>, from /proc/self/smaps.</summary>
    private static long AnonHugePagesOf(long address)
    {
        var inRegion = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && line.IndexOf(' ', StringComparison.Ordinal) > dash && long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start))
            {
                var end = long.Parse(line.AsSpan(dash + 1, line.IndexOf(' ', StringComparison.Ordinal) - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                inRegion = start <= address && address < end;
            }
            else if (inRegion && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                return long.Parse(line["AnonHugePages:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }
}
