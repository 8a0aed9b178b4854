using EdgeLLM.Tokenizers.Tiktoken;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Benchmarks.Package;

/// <summary>
/// A Microsoft.ML.Tokenizers tokenizer built from a model's own <c>tokenizer.json</c> (the package cannot read
/// that file itself, so its vocabulary, merges, Split regex, added tokens and normalizer are handed to the
/// package's constructors), wrapped in EdgeLLM's encode/decode shape so the conformance corpus drives every
/// candidate class the same way. <see cref="PackageApi.Tiktoken"/> is EdgeLLM's production path itself; for the
/// other classes, what the package has no notion of (the clean-up of tokenization spaces on decode) is applied
/// here as EdgeLLM applies it.
/// </summary>
internal sealed class PackageTokenizer
{
    private readonly Func<string, bool, IReadOnlyList<int>> _encode;
    private readonly Func<IEnumerable<int>, bool, string?> _decode;
    private readonly bool _cleanUp;

    private PackageTokenizer(IReadOnlyCollection<string> addedTokens, Func<string, bool, IReadOnlyList<int>> encode,
        Func<IEnumerable<int>, bool, string?> decode, bool cleanUp)
    {
        AddedTokens = addedTokens;
        _encode = encode;
        _decode = decode;
        _cleanUp = cleanUp;
    }

    /// <summary>The contents of the file's added tokens.</summary>
    public IReadOnlyCollection<string> AddedTokens { get; }

    /// <summary>The package classes tried for a tokenizer.json, best candidate first; empty when none applies.</summary>
    public static IReadOnlyList<PackageApi> Candidates(string directory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "tokenizer.json")));
        var root = doc.RootElement;
        if (DecoderType(root) == "ByteLevel")
        {
            // CodeGenTokenizer hard-codes GPT-2's own split regex, so it only fits files that use it.
            return ByteLevelUsesGpt2Regex(root) ? [PackageApi.Tiktoken, PackageApi.Bpe, PackageApi.CodeGen] : [PackageApi.Tiktoken, PackageApi.Bpe];
        }
        return [];
    }

    /// <summary>Why no package class applies to the file in <paramref name="directory"/>.</summary>
    public static string WhyNot(string directory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "tokenizer.json")));
        // LlamaTokenizer and SentencePieceTokenizer read only SentencePiece's protobuf model (tokenizer.model),
        // which the model ships next to tokenizer.json at best; the package has no constructor taking pieces and scores.
        return DecoderType(doc.RootElement) == "ByteLevel"
            ? "byte-level, but no Split regex the package can take"
            : "SentencePiece-style BPE: LlamaTokenizer/SentencePieceTokenizer need the tokenizer.model protobuf, which this model's files do not include";
    }

    /// <summary>Builds <paramref name="api"/> from the files in <paramref name="directory"/>.</summary>
    public static PackageTokenizer Create(string directory, PackageApi api)
    {
        var json = File.ReadAllText(Path.Combine(directory, "tokenizer.json"));
        var config = EdgeLLM.Tokenizers.TokenizerConfig.Load(Path.Combine(directory, "tokenizer_config.json"), null, null);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var model = root.GetProperty("model");
        var vocab = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var added = root.GetProperty("added_tokens").EnumerateArray().ToDictionary(a => a.GetProperty("content").GetString()!, a => a.GetProperty("id").GetInt32(), StringComparer.Ordinal);
        var normalizer = NormalizerOf(root);
        var template = Template(root);
        var preTokenizer = new RegexPreTokenizer(new Regex(SplitPattern(root), RegexOptions.Compiled | RegexOptions.CultureInvariant), added);
        switch (api)
        {
            case PackageApi.Bpe:
            {
                var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
                {
                    Merges = Merges(model),
                    SpecialTokens = added,
                    ByteLevel = true,
                    PreTokenizer = preTokenizer,
                    Normalizer = normalizer,
                });
                return new PackageTokenizer(added.Keys, (t, special) => WithTemplate(bpe.EncodeToIds(t), special ? template : null), (ids, skip) => bpe.Decode(ids, considerSpecialTokens: !skip), config.CleanUpTokenizationSpaces);
            }
            case PackageApi.Tiktoken:
            {
                // EdgeLLM's production path: Tokenizer hands the file to TiktokenTokenizer (TiktokenBackend).
                var production = PackageLoading.FromDirectory(directory, allowPackage: true);
                if (!production.UsesExternalBackend)
                {
                    throw new NotSupportedException("the file is outside what EdgeLLM maps onto TiktokenTokenizer");
                }
                return new PackageTokenizer(added.Keys, (t, special) => production.Encode(t, special),
                    (ids, skip) => production.Decode([.. ids], skip), cleanUp: false);
            }
            case PackageApi.CodeGen:
            {
                var vocabJson = JsonSerializer.SerializeToUtf8Bytes(vocab);
                var merges = Encoding.UTF8.GetBytes("#version: 0.2\n" + string.Join('\n', Merges(model)) + "\n");
                var codeGen = CodeGenTokenizer.Create(new MemoryStream(vocabJson), new MemoryStream(merges), addPrefixSpace: false, addBeginOfSentence: false, addEndOfSentence: false);
                return new PackageTokenizer(added.Keys, (t, special) => WithTemplate(codeGen.EncodeToIds(t), special ? template : null),
                    (ids, skip) => codeGen.Decode(ids, hasPrefixSpace: false, considerSpecialTokens: !skip), config.CleanUpTokenizationSpaces);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(api), api, "not a byte-level package class");
        }
    }

    /// <summary>The ids of <paramref name="text"/>; with <paramref name="addSpecialTokens"/>, wrapped in the BOS/EOS
    /// of the file's TemplateProcessing post-processor, which the package classes do not read.</summary>
    public int[] Encode(string text, bool addSpecialTokens) => [.. _encode(text, addSpecialTokens)];

    private static IReadOnlyList<int> WithTemplate(IReadOnlyList<int> ids, (int[] Before, int[] After)? template) =>
        template is { } t ? [.. t.Before, .. ids, .. t.After] : ids;

    /// <summary>The special token ids TemplateProcessing puts before and after a single sequence.</summary>
    private static (int[] Before, int[] After) Template(JsonElement root)
    {
        var before = new List<int>();
        var after = new List<int>();
        var post = root.TryGetProperty("post_processor", out var p) ? p : default;
        if (post.ValueKind == JsonValueKind.Object && post.GetProperty("type").GetString() == "Sequence")
        {
            post = post.GetProperty("processors").EnumerateArray().FirstOrDefault(x => x.GetProperty("type").GetString() == "TemplateProcessing");
        }
        if (post.ValueKind == JsonValueKind.Object && post.GetProperty("type").GetString() == "TemplateProcessing")
        {
            var seen = false;
            foreach (var step in post.GetProperty("single").EnumerateArray())
            {
                if (step.TryGetProperty("SpecialToken", out var special))
                {
                    var ids = post.GetProperty("special_tokens").GetProperty(special.GetProperty("id").GetString()!).GetProperty("ids");
                    (seen ? after : before).AddRange(ids.EnumerateArray().Select(i => i.GetInt32()));
                }
                else
                {
                    seen = true;
                }
            }
        }
        return ([.. before], [.. after]);
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        var text = _decode(ids, skipSpecialTokens) ?? "";
        return _cleanUp ? CleanUp(text) : text;
    }

    private static string? DecoderType(JsonElement root) =>
        root.TryGetProperty("decoder", out var d) && d.ValueKind == JsonValueKind.Object ? d.GetProperty("type").GetString() : null;

    private static bool ByteLevelUsesGpt2Regex(JsonElement root) =>
        root.GetProperty("pre_tokenizer") is { ValueKind: JsonValueKind.Object } p && p.GetProperty("type").GetString() == "ByteLevel";

    /// <summary>The Split regex of the pre-tokenizer, or GPT-2's when the ByteLevel pre-tokenizer splits by itself.</summary>
    private static string SplitPattern(JsonElement root)
    {
        // GPT-2's pattern is a JavaScript literal in the reference, so \s is JavaScript's (U+FEFF in, U+0085 out).
        const string ws = @"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]";
        const string nonWs = @"[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]";
        const string gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\p{L}\p{N}]+|" + ws + "+(?!" + nonWs + ")|" + ws + "+";
        var pre = root.GetProperty("pre_tokenizer");
        if (pre.GetProperty("type").GetString() == "ByteLevel")
        {
            return gpt2;
        }
        foreach (var p in pre.GetProperty("pretokenizers").EnumerateArray())
        {
            if (p.GetProperty("type").GetString() == "Split")
            {
                return p.GetProperty("pattern").GetProperty("Regex").GetString()!;
            }
        }
        throw new NotSupportedException("no Split regex in the pre-tokenizer");
    }

    private static Normalizer? NormalizerOf(JsonElement root) =>
        root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object
            ? n.GetProperty("type").GetString() == "NFC" ? new EdgeLLM.Tokenizers.Tiktoken.NfcNormalizer() : throw new NotSupportedException($"normalizer {n.GetProperty("type").GetString()}")
            : null;

    private static List<string> Merges(JsonElement model) =>
        [.. model.GetProperty("merges").EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString()! : m[0].GetString() + " " + m[1].GetString())];

    private static string CleanUp(string text) => text
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re");
}
