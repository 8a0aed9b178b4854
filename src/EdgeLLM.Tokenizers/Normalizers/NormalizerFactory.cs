using System.Text;
using System.Text.Json;
using EdgeLLM.Tokenizers.Json;

namespace EdgeLLM.Tokenizers.Normalizers;

internal static class NormalizerFactory
{
    public static INormalizer? Create(JsonElement e, string where = "normalizer")
    {
        if (e.ValueKind == JsonValueKind.Null || e.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }
        var type = JsonNodeReader.Type(e, where);
        switch (type)
        {
            case "NFC": return new UnicodeNormalizer(NormalizationForm.FormC);
            case "NFD": return new UnicodeNormalizer(NormalizationForm.FormD);
            case "NFKC": return new UnicodeNormalizer(NormalizationForm.FormKC);
            case "NFKD": return new UnicodeNormalizer(NormalizationForm.FormKD);
            case "Lowercase": return new LowercaseNormalizer();
            case "Strip": return new StripNormalizer(JsonNodeReader.Bool(e, "strip_left", true), JsonNodeReader.Bool(e, "strip_right", true));
            case "Prepend": return new PrependNormalizer(JsonNodeReader.String(e, "prepend") ?? throw new TokenizerLoadException($"tokenizer.json: {where}.prepend is missing"));
            case "Replace":
                var (pattern, isRegex) = JsonNodeReader.Pattern(e, where);
                return new ReplaceNormalizer(pattern, isRegex, JsonNodeReader.String(e, "content") ?? "");
            case "Sequence":
                var list = new List<INormalizer>();
                var i = 0;
                foreach (var n in JsonNodeReader.Get(e, "normalizers", where).EnumerateArray())
                {
                    if (Create(n, $"{where}.normalizers[{i++}]") is { } step)
                    {
                        list.Add(step);
                    }
                }
                return new SequenceNormalizer(list);
            default:
                throw new TokenizerLoadException($"tokenizer.json: {where} type '{type}' is not supported");
        }
    }
}
