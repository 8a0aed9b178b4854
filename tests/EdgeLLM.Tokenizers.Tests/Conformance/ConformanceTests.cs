using System.Text;
using System.Text.Json;

namespace EdgeLLM.Tokenizers.Tests.Conformance;

/// <summary>
/// Every string of the committed corpus, encoded and decoded by EdgeLLM, against what transformers.js
/// (the reference implementation, run by make-references.mjs) produced from the same tokenizer files: on the
/// production path (EdgeLLM's own BPE over its compact tables, every file) and, for the byte-level files it can take,
/// on Microsoft.ML.Tokenizers (kept as the measured comparison, docs/ARCHITECTURE.md, "Tokenizers").
/// </summary>
[Collection(LoadedTokenizers.Collection)]
public class ConformanceTests
{
    private static readonly string[] Corpus = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Conformance", "corpus.json")))!;

    /// <summary>Every tokenizer with references, as production loads it.</summary>
    public static TheoryData<string> Tokenizers() => ["llama3", "llama3_2", "qwen3", "qwen2_5", "llama2", "gemma2", "gemma3", "gpt2", "iot-assist"];

    /// <summary>The production path (EdgeLLM's own BPE) of every tokenizer, and Microsoft.ML.Tokenizers for the
    /// byte-level files it can take (the comparison the trade-off in docs/ARCHITECTURE.md rests on).</summary>
    public static TheoryData<string, bool> Paths()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in (string[])["llama3", "llama3_2", "qwen3", "qwen2_5", "llama2", "gemma2", "gemma3", "gpt2", "iot-assist"])
        {
            data.Add(name, false);
        }
        foreach (var name in (string[])["llama3", "llama3_2", "qwen3", "qwen2_5", "gpt2", "iot-assist"])
        {
            data.Add(name, true);
        }
        return data;
    }

    private static Tokenizer Load(string name, bool allowPackage = false) => LoadedTokenizers.Get(name, allowPackage);

    private sealed record Reference(int[] Ids, int[] Plain, string Decoded, string DecodedSkipping);

    private static List<Reference> LoadReferences(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Conformance", "references", $"{name}.json")));
        var cases = doc.RootElement.GetProperty("cases");
        Assert.Equal(Corpus.Length, cases.GetArrayLength());
        var list = new List<Reference>();
        var i = 0;
        foreach (var c in cases.EnumerateArray())
        {
            var ids = c[0].EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var plain = c[1].ValueKind == JsonValueKind.Null ? ids : c[1].EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var decoded = c[2].ValueKind == JsonValueKind.Null ? Corpus[i] : c[2].GetString()!;
            var skipping = c[3].ValueKind == JsonValueKind.Null ? decoded : c[3].GetString()!;
            list.Add(new Reference(ids, plain, decoded, skipping));
            i++;
        }
        return list;
    }

    private static string Show(IEnumerable<int> ids) => "[" + string.Join(",", ids) + "]";

    private static string Escape(string s) => JsonSerializer.Serialize(s);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Encoding_gives_the_same_ids_as_transformers_js_for_the_whole_corpus(string name, bool allowPackage)
    {
        var tokenizer = Load(name, allowPackage);
        var references = LoadReferences(name);
        var failures = new StringBuilder();
        var failed = 0;
        for (var i = 0; i < Corpus.Length; i++)
        {
            var withSpecial = tokenizer.Encode(Corpus[i], addSpecialTokens: true);
            var plain = tokenizer.Encode(Corpus[i], addSpecialTokens: false);
            if (!withSpecial.SequenceEqual(references[i].Ids) || !plain.SequenceEqual(references[i].Plain))
            {
                if (failed++ < 5)
                {
                    failures.AppendLine($"{Escape(Corpus[i])}\n  expected {Show(references[i].Plain)}\n  got      {Show(plain)}");
                }
            }
        }
        Assert.True(failed == 0, $"{name}: {failed} of {Corpus.Length} strings differ\n{failures}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Decoding_gives_the_same_text_as_transformers_js_for_the_whole_corpus(string name, bool allowPackage)
    {
        var tokenizer = Load(name, allowPackage);
        var references = LoadReferences(name);
        var failures = new StringBuilder();
        var failed = 0;
        for (var i = 0; i < Corpus.Length; i++)
        {
            var r = references[i];
            var decoded = tokenizer.Decode(r.Plain, skipSpecialTokens: false);
            var skipping = tokenizer.Decode(r.Ids, skipSpecialTokens: true);
            if (decoded != r.Decoded || skipping != r.DecodedSkipping)
            {
                if (failed++ < 5)
                {
                    failures.AppendLine($"{Escape(Corpus[i])}\n  expected {Escape(r.Decoded)} / {Escape(r.DecodedSkipping)}\n  got      {Escape(decoded)} / {Escape(skipping)}");
                }
            }
        }
        Assert.True(failed == 0, $"{name}: {failed} of {Corpus.Length} decodings differ\n{failures}");
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Streaming_deltas_add_up_to_the_full_decoding_and_never_split_a_character(string name)
    {
        var tokenizer = Load(name);
        var references = LoadReferences(name);
        for (var i = 0; i < Corpus.Length; i++)
        {
            var stream = tokenizer.CreateStream(skipSpecialTokens: false);
            var text = new StringBuilder();
            foreach (var id in references[i].Plain)
            {
                var delta = stream.Next(id);
                Assert.False(delta.Length > 0 && char.IsHighSurrogate(delta[^1]), $"{name}: a delta of {Escape(Corpus[i])} ends inside a surrogate pair");
                text.Append(delta);
            }
            text.Append(stream.Flush());
            Assert.Equal(tokenizer.Decode(references[i].Plain, skipSpecialTokens: false), text.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void The_byte_level_stream_gives_the_same_deltas_as_decoding_the_window_twice(string name)
    {
        var tokenizer = Load(name);
        var references = LoadReferences(name);
        var random = new Random(20261128);
        var sequences = references.SelectMany(r => new[] { r.Ids, r.Plain }).ToList();
        // Random ids split multi-byte characters, leave invalid bytes behind and mix in added tokens.
        for (var i = 0; i < 300; i++)
        {
            sequences.Add(Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(tokenizer.VocabSize + 2)).ToArray());
        }
        foreach (var skip in new[] { true, false })
        {
            foreach (var ids in sequences)
            {
                var fast = new TokenizerStream(tokenizer, skip);
                var general = new TokenizerStream(tokenizer, skip, allowByteLevelPath: false);
                for (var k = 0; k < ids.Length; k++)
                {
                    var expected = general.Next(ids[k]);
                    var got = fast.Next(ids[k]);
                    Assert.True(expected == got, $"{name}: token {k} of {Show(ids)} (skip specials {skip}): expected {Escape(expected)}, got {Escape(got)}");
                }
                Assert.Equal(general.Flush(), fast.Flush());
            }
        }
    }
}
