using EdgeLLM.Tokenizers.Tiktoken;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeLLM.Tokenizers.Tests.Tiktoken;

/// <summary>
/// Which files Microsoft.ML.Tokenizers can take when asked (the benchmark's and these tests' comparison side): the
/// byte-level families measured conformant go to its TiktokenTokenizer; SentencePiece-style files, which the package
/// can only read as a tokenizer.model protobuf, and byte-level files outside the measured shape stay on EdgeLLM's
/// own BPE. Production loads never take it: its tables cost several times EdgeLLM's compact ones
/// (docs/ARCHITECTURE.md, "Tokenizers").
/// </summary>
[Collection(LoadedTokenizers.Collection)]
public class TiktokenBackendTests
{
    [Theory]
    [InlineData("gpt2", true)]
    [InlineData("llama3", true)]
    [InlineData("llama3_2", true)]
    [InlineData("qwen3", true)]
    [InlineData("qwen2_5", true)]
    [InlineData("iot-assist", true)]
    [InlineData("llama2", false)]
    [InlineData("gemma2", false)]
    [InlineData("gemma3", false)]
    public void The_measured_byte_level_families_can_use_the_package_and_sentencepiece_ones_cannot(string name, bool expected)
    {
        Assert.Equal(expected, LoadedTokenizers.Get(name, allowPackage: true).UsesExternalBackend);
    }

    [Theory]
    [InlineData("qwen2_5")]
    [InlineData("iot-assist")]
    public void A_production_load_keeps_a_file_the_package_could_take_on_the_own_tables(string name)
    {
        Assert.False(Tokenizer.FromDirectory(TokenizerAssets.Directory(name)).UsesExternalBackend);
    }

    public static TheoryData<string> Changes() =>
    [
        "merges out of id order",
        "an added token that strips spaces",
        "a lowercase normalizer",
        "a prefix space",
        "a merge whose token is missing",
    ];

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_byte_level_file_outside_the_measured_shape_stays_on_the_own_bpe_and_still_encodes(string change)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(TokenizerAssets.Directory("iot-assist"), "tokenizer.json")))!;
        var merges = root["model"]!["merges"]!.AsArray();
        switch (change)
        {
            case "merges out of id order":
                // The first merge moved last: its token's id is now lower than the ids formed before it.
                var first = merges[0]!.DeepClone();
                merges.RemoveAt(0);
                merges.Add(first);
                break;
            case "an added token that strips spaces":
                root["added_tokens"]![0]!["lstrip"] = true;
                break;
            case "a lowercase normalizer":
                root["normalizer"] = new JsonObject { ["type"] = "Lowercase" };
                break;
            case "a prefix space":
                root["pre_tokenizer"]!["pretokenizers"]![1]!["add_prefix_space"] = true;
                break;
            case "a merge whose token is missing":
                // iot-assist has no "ĠĠ" token.
                merges.Add(new JsonArray("Ġ", "Ġ"));
                break;
        }
        var tokenizer = PackageLoading.FromJson(root.ToJsonString(), allowPackage: true);
        Assert.False(tokenizer.UsesExternalBackend, change);
        var own = PackageLoading.FromJson(root.ToJsonString(), allowPackage: false);
        const string text = "Turn on the kitchen lights at 7pm, then report the greenhouse humidity.";
        var ids = tokenizer.Encode(text);
        Assert.Equal(own.Encode(text), ids);
        Assert.Equal(own.Decode(ids), tokenizer.Decode(ids));
        Assert.NotEmpty(tokenizer.Decode(ids));
    }

    [Fact]
    public void Both_paths_give_the_same_ids_and_text_for_added_tokens_inside_text()
    {
        var package = LoadedTokenizers.Get("qwen3", allowPackage: true);
        var own = LoadedTokenizers.Get("qwen3", allowPackage: false);
        const string text = "<|im_start|>user\nLights on<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nDone.<|im_end|>";
        Assert.True(package.UsesExternalBackend);
        Assert.Equal(own.Encode(text), package.Encode(text));
        var ids = package.Encode(text);
        Assert.Equal(own.Decode(ids, skipSpecialTokens: true), package.Decode(ids, skipSpecialTokens: true));
        Assert.Equal(text, package.Decode(ids, skipSpecialTokens: false));
        // <think> is an added token but not a special one, so skipping special tokens keeps it.
        Assert.Contains("<think>", package.Decode(ids, skipSpecialTokens: true));
    }

    [Theory]
    [InlineData("llama3")]
    [InlineData("llama3_2")]
    [InlineData("qwen3")]
    [InlineData("qwen2_5")]
    [InlineData("iot-assist")]
    public void Rendered_chat_templates_encode_and_decode_the_same_on_both_paths(string family)
    {
        // The texts apply_chat_template produced in transformers.js (Templates/Data/references.json): special
        // tokens between turns, the template's own whitespace, BOS written into the text.
        using var references = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Templates", "Data", "references.json")));
        var package = LoadedTokenizers.Get(family, allowPackage: true);
        var own = LoadedTokenizers.Get(family, allowPackage: false);
        Assert.True(package.UsesExternalBackend);
        var texts = 0;
        foreach (var c in references.RootElement.GetProperty("templates").GetProperty(family).GetProperty("cases").EnumerateArray())
        {
            if (!c.TryGetProperty("text", out var rendered))
            {
                continue;
            }
            var text = rendered.GetString()!;
            var ids = package.Encode(text, addSpecialTokens: false);
            Assert.Equal(own.Encode(text, addSpecialTokens: false), ids);
            Assert.Equal(own.Decode(ids, skipSpecialTokens: false), package.Decode(ids, skipSpecialTokens: false));
            Assert.Equal(own.Decode(ids, skipSpecialTokens: true), package.Decode(ids, skipSpecialTokens: true));
            texts++;
        }
        Assert.Equal(20, texts);
    }
}
