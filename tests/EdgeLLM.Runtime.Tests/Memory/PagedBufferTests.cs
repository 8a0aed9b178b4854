using EdgeLLM.Runtime.Memory;

namespace EdgeLLM.Runtime.Tests.Memory;

public unsafe class PagedBufferTests
{
    private static readonly int Page = Environment.SystemPageSize;

    [Fact]
    public void A_new_buffer_reads_as_zeros_and_holds_no_pages_until_written()
    {
        using var buffer = new PagedBuffer(64L * Page);
        // Residency first: reading maps the shared zero page, which mincore counts though it costs nothing.
        Assert.True(buffer.ResidentBytes() <= (OperatingSystem.IsLinux() ? 0 : buffer.Length));
        Assert.True(new ReadOnlySpan<byte>(buffer.Pointer, 64 * Page).IndexOfAnyExcept((byte)0) < 0);
        using var written = new PagedBuffer(64L * Page);
        written.Pointer[3 * Page] = 1;
        written.Pointer[4 * Page + 7] = 2;
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(2L * Page, written.ResidentBytes());
        }
    }

    [Fact]
    public void Discarding_a_range_zeroes_exactly_that_range_and_returns_its_whole_pages()
    {
        using var buffer = new PagedBuffer(16L * Page);
        var all = new Span<byte>(buffer.Pointer, 16 * Page);
        all.Fill(0xAB);
        // A range that starts and ends inside pages, as a slot's region of a KV buffer does.
        var offset = 2 * Page + 100;
        var length = 9 * Page;
        buffer.Discard(offset, length);
        if (OperatingSystem.IsLinux())
        {
            // Pages 3..10 lie wholly inside the range; 2 and 11 hold neighbours' bytes and stay. (Measured before the
            // reads below, which map the zero page.)
            Assert.Equal((16L - 8) * Page, buffer.ResidentBytes());
        }
        Assert.True(all[offset..(offset + length)].IndexOfAnyExcept((byte)0) < 0);
        Assert.True(all[..offset].IndexOfAnyExcept((byte)0xAB) < 0);
        Assert.True(all[(offset + length)..].IndexOfAnyExcept((byte)0xAB) < 0);
        all.Fill(0xCD);
        Assert.True(all.IndexOfAnyExcept((byte)0xCD) < 0);
    }

    [Fact]
    public void A_range_outside_the_buffer_is_refused()
    {
        using var buffer = new PagedBuffer(Page);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Discard(1, Page));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Discard(-1, 1));
    }
}
