using System.Text.Json;
using EdgeLLM.Tokenizers.Json;

namespace EdgeLLM.Tokenizers.Decoders;

internal static class DecoderFactory
{
    public static IDecoder? Create(JsonElement e, IReadOnlySet<string> addedTokens, string where = "decoder")
    {
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }
        var type = JsonNodeReader.Type(e, where);
        switch (type)
        {
            case "ByteLevel": return new ByteLevelDecoder(addedTokens);
            case "ByteFallback": return new ByteFallbackDecoder();
            case "Fuse": return new FuseDecoder();
            case "Replace":
                var (pattern, isRegex) = JsonNodeReader.Pattern(e, where);
                return new ReplaceDecoder(pattern, isRegex, JsonNodeReader.String(e, "content") ?? "");
            case "Strip":
                var content = JsonNodeReader.String(e, "content") ?? " ";
                return new StripDecoder(content[0], e.TryGetProperty("start", out var s) ? s.GetInt32() : 0, e.TryGetProperty("stop", out var t) ? t.GetInt32() : 0);
            case "Metaspace":
                var replacement = JsonNodeReader.String(e, "replacement") ?? "▁";
                return new MetaspaceDecoder(replacement[0]);
            case "Sequence":
                var steps = new List<IDecoder>();
                var i = 0;
                foreach (var d in JsonNodeReader.Get(e, "decoders", where).EnumerateArray())
                {
                    if (Create(d, addedTokens, $"{where}.decoders[{i++}]") is { } step)
                    {
                        steps.Add(step);
                    }
                }
                return new SequenceDecoder(steps);
            default:
                throw new TokenizerLoadException($"tokenizer.json: {where} type '{type}' is not supported");
        }
    }
}
