using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Memory;

namespace EdgeLLM.Runtime.Tests.Memory;

public class NativeHeapTests
{
    [Fact]
    public void Trimming_frees_a_released_native_block_back_to_the_system_on_glibc()
    {
        // 8 MiB freed from the main heap leaves its pages to trim (above the mmap threshold it would be unmapped at once).
        var blocks = new List<IntPtr>();
        for (var i = 0; i < 64; i++)
        {
            var block = Marshal.AllocHGlobal(128 * 1024 - 64);
            unsafe
            {
                new Span<byte>((void*)block, 128 * 1024 - 64).Fill(1);
            }
            blocks.Add(block);
        }
        // Keep the last block so the freed ones sit below it, where glibc keeps them until trimmed.
        for (var i = 0; i < blocks.Count - 1; i++)
        {
            Marshal.FreeHGlobal(blocks[i]);
        }
        try
        {
            Assert.True(NativeHeap.Trim());
        }
        finally
        {
            Marshal.FreeHGlobal(blocks[^1]);
        }
    }
}
