namespace EdgeLLM.Tokenizers.Tests.Memory;

/// <summary>
/// Encoding text whose words were seen before (the word cache holds them) allocates nothing per word on the
/// byte-level path: the words go from the regex's matches through a stack buffer into the cache lookup. What is left
/// is per call, not per word: the NFC normalizer's check of non-ASCII text (ICU; under 128 bytes).
/// </summary>
[Collection(LoadedTokenizers.Collection)]
public class EncodeAllocationTests
{
    [Theory]
    [InlineData("qwen2_5")]
    [InlineData("llama3")]
    [InlineData("gpt2")]
    [InlineData("iot-assist")]
    public void Encoding_cached_words_into_a_reused_list_allocates_nothing_per_word(string name)
    {
        var tokenizer = LoadedTokenizers.Get(name);
        const string text = "Turn on the kitchen lights at 7pm, then report the greenhouse humidity (it was 61 % at 06:30) — ça va?";
        var ids = new List<int>(256);
        tokenizer.Encode(text, ids, addSpecialTokens: false);
        var expected = ids.ToArray();
        ids.Clear();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            ids.Clear();
            tokenizer.Encode(text, ids, addSpecialTokens: false);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(expected, ids);
        // The text has 30 words: one allocation per word would be far above this.
        Assert.True(allocated <= 10 * 128, $"{name}: {allocated} bytes allocated by 10 encodes of cached words");
    }
}
