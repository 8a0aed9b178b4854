namespace EdgeLLM.Tokenizers.Tests;

public class TokenizerTests
{
    private static Tokenizer Default => Tokenizer.FromDirectory(TokenizerAssets.Directory("iot-assist"));

    [Fact]
    public void The_default_models_smoke_prompts_encode_to_the_ids_onnxruntime_was_given()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerAssets.Directory("iot-assist"), "smoke.json")));
        var tokenizer = Default;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var expected = c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(expected, tokenizer.Encode(c.GetProperty("prompt").GetString()!));
            var output = c.GetProperty("output_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(c.GetProperty("text").GetString(), tokenizer.Decode(output));
        }
    }

    [Fact]
    public void Special_tokens_are_matched_before_the_model_and_skipped_on_request()
    {
        var t = Default;
        var ids = t.Encode("<|im_start|>user\nhi<|im_end|>");
        Assert.Equal(t.TokenToId("<|im_start|>"), ids[0]);
        Assert.Equal(t.TokenToId("<|im_end|>"), ids[^1]);
        Assert.True(t.IsSpecial(ids[0]));
        Assert.Equal("user\nhi", t.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("<|im_start|>user\nhi<|im_end|>", t.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Llama3_2_adds_its_begin_of_text_only_with_special_tokens()
    {
        var t = Tokenizer.FromDirectory(TokenizerAssets.Directory("llama3_2"));
        var bos = t.TokenToId("<|begin_of_text|>");
        Assert.Equal(bos, t.Encode("hello")[0]);
        Assert.NotEqual(bos, t.Encode("hello", addSpecialTokens: false)[0]);
    }

    [Fact]
    public void The_config_gives_special_tokens_and_the_chat_template()
    {
        var t = Default;
        Assert.Equal("<|im_end|>", t.Config.EosToken);
        Assert.Equal("<|endoftext|>", t.Config.PadToken);
        Assert.False(t.Config.AddBosToken);
        Assert.Contains("<|im_start|>", t.Config.ChatTemplate);
        Assert.Equal(512, t.Config.ModelMaxLength);
    }

    [Fact]
    public void A_streamed_sentencepiece_decoding_keeps_its_spaces()
    {
        var t = Tokenizer.FromDirectory(TokenizerAssets.Directory("llama2"));
        var ids = t.Encode("Hello world, ça va? 日本", addSpecialTokens: false);
        var stream = t.CreateStream();
        var text = string.Concat(ids.Select(stream.Next)) + stream.Flush();
        Assert.Equal("Hello world, ça va? 日本", text);
    }

    [Theory]
    [InlineData("""{"model": {"type": "Unigram", "vocab": []}}""", "model type 'Unigram' is not supported")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "Whitespace"}}""", "pre_tokenizer type 'Whitespace' is not supported")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "normalizer": {"type": "BertNormalizer"}}""", "normalizer type 'BertNormalizer' is not supported")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "decoder": {"type": "WordPiece"}}""", "decoder type 'WordPiece' is not supported")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["ab"]}}""", "model.merges[0]")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"}}""", "cannot be compiled")]
    [InlineData("{ not json", "not valid JSON")]
    public void An_unsupported_or_broken_file_fails_at_load_naming_what(string json, string expected)
    {
        var e = Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_file_says_which()
    {
        var e = Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromFile("/nope/tokenizer.json"));
        Assert.Contains("/nope/tokenizer.json", e.Message);
    }

    [Fact]
    public void Encoding_from_several_threads_at_once_gives_the_same_ids()
    {
        var t = Tokenizer.FromDirectory(TokenizerAssets.Directory("qwen3"));
        var texts = Enumerable.Range(0, 200).Select(i => $"sensor-{i} reports {i * 1.5}°C, humidity {i % 100}% — ok? 你好 {i}").ToArray();
        var expected = texts.Select(x => t.Encode(x)).ToArray();
        var fresh = Tokenizer.FromDirectory(TokenizerAssets.Directory("qwen3"));
        var results = new int[texts.Length][];
        Parallel.For(0, texts.Length * 4, i => results[i % texts.Length] = fresh.Encode(texts[i % texts.Length]));
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i], results[i]);
        }
    }

    [Fact]
    public void Tokens_and_merges_longer_than_the_read_buffer_load_like_short_ones()
    {
        // \u00e9 escapes make each merge of two 64-character tokens 774 bytes of JSON: the reader's buffers must grow.
        static string T(int n) => string.Concat(Enumerable.Repeat("\\u00e9", n));
        var vocab = string.Join(", ", Enumerable.Range(0, 8).Select(k => $"\"{T(1 << k)}\": {k}"));
        var strings = string.Join(", ", Enumerable.Range(0, 7).Select(k => $"\"{T(1 << k)} {T(1 << k)}\""));
        var arrays = string.Join(", ", Enumerable.Range(0, 7).Select(k => $"[\"{T(1 << k)}\", \"{T(1 << k)}\"]"));
        foreach (var merges in new[] { strings, arrays })
        {
            var t = Tokenizer.FromJson("{\"model\": {\"type\": \"BPE\", \"vocab\": {" + vocab + "}, \"merges\": [" + merges + "]}}");
            Assert.Equal([7], t.Encode(new string('\u00e9', 128)));
            Assert.Equal([7, 6, 0], t.Encode(new string('\u00e9', 128 + 64 + 1)));
            Assert.Equal(new string('\u00e9', 128), t.IdToToken(7));
        }
    }
}
