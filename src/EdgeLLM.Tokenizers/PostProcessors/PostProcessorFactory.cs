using System.Text.Json;
using EdgeLLM.Tokenizers.Json;

namespace EdgeLLM.Tokenizers.PostProcessors;

internal static class PostProcessorFactory
{
    /// <summary>Null when the processor adds nothing (ByteLevel only trims offsets, which EdgeLLM does not return).</summary>
    public static IPostProcessor? Create(JsonElement e, Func<string, int?> idOf, string where = "post_processor")
    {
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }
        var type = JsonNodeReader.Type(e, where);
        switch (type)
        {
            case "ByteLevel":
                return null;
            case "TemplateProcessing":
                return Template(e, where);
            case "BertProcessing":
            case "RobertaProcessing":
                var cls = JsonNodeReader.Get(e, "cls", where);
                var sep = JsonNodeReader.Get(e, "sep", where);
                return new TemplatePostProcessor([cls[1].GetInt32()], [sep[1].GetInt32()]);
            case "Sequence":
                var steps = new List<IPostProcessor>();
                var i = 0;
                foreach (var p in JsonNodeReader.Get(e, "processors", where).EnumerateArray())
                {
                    if (Create(p, idOf, $"{where}.processors[{i++}]") is { } step)
                    {
                        steps.Add(step);
                    }
                }
                return steps.Count switch
                {
                    0 => null,
                    1 => steps[0],
                    _ => new SequencePostProcessor(steps),
                };
            default:
                throw new TokenizerLoadException($"tokenizer.json: {where} type '{type}' is not supported");
        }
    }

    private static TemplatePostProcessor Template(JsonElement e, string where)
    {
        var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (e.TryGetProperty("special_tokens", out var st) && st.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in st.EnumerateObject())
            {
                specials[p.Name] = p.Value.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            }
        }
        var before = new List<int>();
        var after = new List<int>();
        var seenSequence = false;
        foreach (var item in JsonNodeReader.Get(e, "single", where).EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
            }
            else if (item.TryGetProperty("SpecialToken", out var token))
            {
                var name = token.GetProperty("id").GetString()!;
                var ids = specials.TryGetValue(name, out var x) ? x : throw new TokenizerLoadException($"tokenizer.json: {where} uses special token '{name}' not listed in its special_tokens");
                (seenSequence ? after : before).AddRange(ids);
            }
        }
        return new TemplatePostProcessor(before.ToArray(), after.ToArray());
    }

    private sealed class SequencePostProcessor(IReadOnlyList<IPostProcessor> steps) : IPostProcessor
    {
        public void Process(List<int> ids)
        {
            foreach (var s in steps)
            {
                s.Process(ids);
            }
        }
    }
}
