using System.Text.Json;

namespace EdgeLLM.Benchmarks.Package;

/// <summary>
/// Runs the conformance corpus through a <see cref="PackageTokenizer"/> and counts the strings whose ids or
/// decodings differ from the committed transformers.js references (the same references EdgeLLM's own
/// tokenizer is held to by <c>ConformanceTests</c>).
/// </summary>
internal static class PackageConformance
{
    /// <summary>Counts per kind of difference, with the first example of each.</summary>
    public sealed record Result(int Total, int EncodeMismatches, int DecodeMismatches, int MismatchingStrings, IReadOnlyDictionary<string, string> Examples);

    public static string[] LoadCorpus(string conformanceDirectory) =>
        JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(conformanceDirectory, "corpus.json")))!;

    public static Result Run(PackageTokenizer tokenizer, string conformanceDirectory, string name)
    {
        var corpus = LoadCorpus(conformanceDirectory);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(conformanceDirectory, "references", $"{name}.json")));
        var examples = new Dictionary<string, string>();
        int encodeBad = 0, decodeBad = 0, stringsBad = 0, i = 0;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var text = corpus[i++];
            var ids = c[0].EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var plain = c[1].ValueKind == JsonValueKind.Null ? ids : c[1].EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var decoded = c[2].ValueKind == JsonValueKind.Null ? text : c[2].GetString()!;
            var skipping = c[3].ValueKind == JsonValueKind.Null ? decoded : c[3].GetString()!;

            var got = tokenizer.Encode(text, addSpecialTokens: false);
            var gotSpecial = tokenizer.Encode(text, addSpecialTokens: true);
            var encodeOk = got.SequenceEqual(plain) && gotSpecial.SequenceEqual(ids);
            if (encodeOk is false && got.SequenceEqual(plain))
            {
                (plain, got) = (ids, gotSpecial);
            }
            var gotDecoded = Safe(() => tokenizer.Decode(plain, skipSpecialTokens: false));
            var gotSkipping = Safe(() => tokenizer.Decode(ids, skipSpecialTokens: true));
            var decodeOk = gotDecoded == decoded && gotSkipping == skipping;
            if (!encodeOk)
            {
                encodeBad++;
                examples.TryAdd(Kind(tokenizer, text, plain, got), $"{Show(text)}: expected [{string.Join(",", plain)}], got [{string.Join(",", got)}]");
            }
            if (!decodeOk)
            {
                decodeBad++;
                examples.TryAdd("decode", $"{Show(text)}: expected {Show(decoded)} / {Show(skipping)}, got {Show(gotDecoded)} / {Show(gotSkipping)}");
            }
            stringsBad += encodeOk && decodeOk ? 0 : 1;
        }
        return new Result(corpus.Length, encodeBad, decodeBad, stringsBad, examples);
    }

    /// <summary>A coarse class of an encoding difference, so each kind is shown once.</summary>
    private static string Kind(PackageTokenizer tokenizer, string text, int[] expected, int[] got)
    {
        if (tokenizer.AddedTokens.Any(t => text.Contains(t, StringComparison.Ordinal)))
        {
            return "encode: text with added tokens";
        }
        if (expected.Length != got.Length)
        {
            return got.Length > expected.Length ? "encode: more tokens (split differs)" : "encode: fewer tokens (split differs)";
        }
        return "encode: same length, other ids (merge order differs)";
    }

    private static string Safe(Func<string> f)
    {
        try
        {
            return f();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            return $"<{e.GetType().Name}: {e.Message}>";
        }
    }

    private static string Show(string s) => JsonSerializer.Serialize(s.Length > 120 ? s[..120] + "…" : s);
}
