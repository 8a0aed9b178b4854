using System.Runtime.CompilerServices;
using Xunit.Abstractions;

namespace EdgeLLM.Tokenizers.Tests.Memory;

/// <summary>
/// What a loaded tokenizer keeps on the managed heap (it holds no native memory), measured as the live heap after
/// full collections before and after loading, with the tokenizer kept alive. Runs alone (its own collection with
/// parallelization off) so no other test's allocations land in the difference.
/// </summary>
[Collection(MemoryCollection.Name)]
public class TokenizerMemoryTests(ITestOutputHelper output)
{
    private const long MiB = 1 << 20;

    [Theory]
    // The goal: the 152k-token Qwen2.5 tokenizer within 16 MiB.
    [InlineData("qwen2_5", 16)]
    [InlineData("qwen3", 16)]
    [InlineData("llama3", 16)]
    [InlineData("gpt2", 8)]
    public void A_loaded_tokenizer_keeps_its_tables_within_the_budget(string name, int budgetMiB)
    {
        var directory = TokenizerAssets.Directory(name);
        var (retained, allocated) = Measure(directory);
        output.WriteLine($"{name}: {retained / (double)MiB:F2} MiB retained, {allocated / (double)MiB:F1} MiB allocated while loading");
        Assert.True(retained <= budgetMiB * MiB, $"{name}: {retained / (double)MiB:F1} MiB retained after loading (budget {budgetMiB} MiB)");
    }

    [Fact]
    public void Loading_the_qwen2_5_tokenizer_allocates_little_more_than_its_file()
    {
        var directory = TokenizerAssets.Directory("qwen2_5");
        var fileBytes = new FileInfo(Path.Combine(directory, "tokenizer.json")).Length;
        var (_, allocated) = Measure(directory);
        // The file read once as bytes, the tables and their growth while they fill: no DOM of 152k strings (that
        // way, with Microsoft.ML.Tokenizers' tables built on top, loading allocated about 22 times the file).
        Assert.True(allocated <= 6 * fileBytes, $"loading allocated {allocated / (double)MiB:F1} MiB for a {fileBytes / (double)MiB:F1} MiB file");
    }

    [Fact]
    public void A_tokenizer_measured_alive_still_works_after_the_measurement()
    {
        var tokenizer = Load(TokenizerAssets.Directory("qwen2_5"));
        Assert.Equal("turn on the kitchen lights", tokenizer.Decode(tokenizer.Encode("turn on the kitchen lights")));
    }

    private static (long Retained, long Allocated) Measure(string directory)
    {
        // A first load warms what is loaded once per process (JIT, regex caches, static tables) so it is not counted.
        Load(directory);
        var before = Settle();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var tokenizer = Load(directory);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var after = Settle();
        GC.KeepAlive(tokenizer);
        return (after - before, allocated);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Tokenizer Load(string directory) => Tokenizer.FromDirectory(directory);

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
