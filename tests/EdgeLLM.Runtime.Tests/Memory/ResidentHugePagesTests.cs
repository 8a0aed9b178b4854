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

    [Theory]
    [InlineData("7f2c1c000000-7f2c1e000000 rw-p 00000000 00:00 0 ", 0x7f2c1c000000L, 0x7f2c1e000000L)]
    [InlineData("7f2c1c000000-7f2c1e000000 rw-p 00000000 00:00 0", 0x7f2c1c000000L, 0x7f2c1e000000L)]
    [InlineData("55d0a1e4e000-55d0a2a1c000 rw-p 00000000 00:00 0                          [heap]", 0x55d0a1e4e000L, 0x55d0a2a1c000L)]
    public void A_private_anonymous_writable_mapping_is_a_region_to_walk(string line, long start, long end) =>
        Assert.Equal((start, end), ResidentHugePages.AnonymousRegion(line));

    [Theory]
    [InlineData("7ffd6b1e5000-7ffd6b206000 rw-p 00000000 00:00 0                          [stack]")]
    [InlineData("7f2c1c000000-7f2c1e000000 r-xp 00000000 00:00 0 ")]
    [InlineData("7f2c1c000000-7f2c1e000000 rw-s 00000000 00:05 1234                       /dev/zero (deleted)")]
    [InlineData("7f2c1c000000-7f2c1e000000 rw-p 00012000 08:01 917 /opt/edgellm/libonnxruntime.so")]
    [InlineData("7f2c1c000000-7f2c1e000000 rw-p 00000000 08:01 917")]
    [InlineData("7f2c1c000000-7f2c1e000000 rw-p")]
    public void Code_files_stacks_and_shared_mappings_are_not(string line) =>
        Assert.Null(ResidentHugePages.AnonymousRegion(line));

    [Fact]
    public void The_walk_finds_a_new_anonymous_buffer_among_the_process_mappings()
    {
        using var buffer = new PagedBuffer(4L * MiB);
        var address = (long)buffer.Pointer;
        var regions = File.ReadLines("/proc/self/maps").Select(ResidentHugePages.AnonymousRegion).OfType<(long Start, long End)>().ToList();
        Assert.Contains(regions, r => r.Start <= address && address + 4L * MiB <= r.End);
    }

    [Theory]
    // Aligned on both ends: every extent, the last one ending exactly at the end.
    [InlineData(0x4000_0000L, 0x4060_0000L, new[] { 0x4000_0000L, 0x4020_0000L, 0x4040_0000L })]
    // An unaligned head and tail keep their small pages.
    [InlineData(0x4000_1000L, 0x4060_0000L, new[] { 0x4020_0000L, 0x4040_0000L })]
    [InlineData(0x4000_0000L, 0x405F_F000L, new[] { 0x4000_0000L, 0x4020_0000L })]
    // Shorter than one extent once aligned: none.
    [InlineData(0x4000_1000L, 0x4020_1000L, new long[0])]
    public void Only_whole_aligned_extents_are_collapsed(long start, long end, long[] expected) =>
        Assert.Equal(expected, ResidentHugePages.Extents(start, end, 2L * MiB));

    [Theory]
    [InlineData(null, 2 * MiB, "6.18.44", "this kernel has no transparent huge pages")]
    [InlineData("always madvise [never]\n", 2 * MiB, "6.18.44", "transparent huge pages are off (transparent_hugepage=never)")]
    [InlineData("always [madvise] never\n", 2 * MiB, "6.0.19", "this kernel (6.0.19) has no MADV_COLLAPSE (Linux 6.1 or later)")]
    [InlineData("always [madvise] never\n", 2 * MiB, "5.15.0", "this kernel (5.15.0) has no MADV_COLLAPSE (Linux 6.1 or later)")]
    [InlineData("always [madvise] never\n", 0, "6.1.0", "this kernel does not say its huge page size")]
    [InlineData("[always] madvise never\n", 512 * MiB, "6.6.0", "huge pages here are 512 MiB: too coarse for a model's buffers")]
    public void Where_the_kernel_cannot_the_reason_says_why(string? mode, long hugePage, string kernel, string reason) =>
        Assert.Equal(reason, ResidentHugePages.Refusal(mode, hugePage, Version.Parse(kernel)));

    [Theory]
    [InlineData("always [madvise] never\n", 2 * MiB, "6.1.0")]
    [InlineData("[always] madvise never\n", 32 * MiB, "7.0.0")]
    [InlineData("always [madvise] never\n", 2 * MiB, "6.18.44")]
    public void Where_the_kernel_can_there_is_no_reason(string mode, long hugePage, string kernel) =>
        Assert.Null(ResidentHugePages.Refusal(mode, hugePage, Version.Parse(kernel)));

    [Fact]
    public void The_result_reads_as_a_load_log_line()
    {
        Assert.Equal("weights stay on small pages: off here", HugePageCollapse.NotDone("off here").ToString());
        var done = new HugePageCollapse(300L * MiB, 2, TimeSpan.FromMilliseconds(812.4), 310L * MiB, null);
        Assert.Equal("300 MiB of resident memory moved to huge pages in 812 ms (2 extents refused; 310 MiB on huge pages now)", done.ToString());
    }

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
