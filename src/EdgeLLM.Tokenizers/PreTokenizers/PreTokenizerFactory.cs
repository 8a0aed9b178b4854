using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeLLM.Tokenizers.Json;

namespace EdgeLLM.Tokenizers.PreTokenizers;

internal static class PreTokenizerFactory
{
    public static IPreTokenizer? Create(JsonElement e, string where = "pre_tokenizer")
    {
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }
        var type = JsonNodeReader.Type(e, where);
        switch (type)
        {
            case "ByteLevel":
                return new ByteLevelPreTokenizer(JsonNodeReader.Bool(e, "add_prefix_space", false), JsonNodeReader.Bool(e, "use_regex", true));
            case "Split":
                var (pattern, isRegex) = JsonNodeReader.Pattern(e, where);
                var behavior = JsonNodeReader.String(e, "behavior") switch
                {
                    "Removed" => SplitBehavior.Removed,
                    "Isolated" => SplitBehavior.Isolated,
                    "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
                    "MergedWithNext" => SplitBehavior.MergedWithNext,
                    "Contiguous" => SplitBehavior.Contiguous,
                    var other => throw new TokenizerLoadException($"tokenizer.json: {where}.behavior '{other}' is not supported"),
                };
                var regex = isRegex ? RegexFactory.Create(pattern) : new Regex(Regex.Escape(pattern), RegexOptions.CultureInvariant);
                var effective = JsonNodeReader.Bool(e, "invert", false) ? SplitBehavior.MatchesOnly
                    : behavior == SplitBehavior.Removed && isRegex ? SplitBehavior.Removed : SplitBehavior.Isolated;
                return new SplitPreTokenizer(regex, effective);
            case "Metaspace":
                var replacement = JsonNodeReader.String(e, "replacement") ?? "▁";
                var scheme = JsonNodeReader.String(e, "prepend_scheme")
                    ?? (JsonNodeReader.Bool(e, "add_prefix_space", true) ? "always" : "never");
                return new MetaspacePreTokenizer(replacement[0], scheme);
            case "Digits":
                var individual = JsonNodeReader.Bool(e, "individual_digits", false);
                return new SplitPreTokenizer(RegexFactory.Create(individual ? @"\p{Nd}" : @"\p{Nd}+"), SplitBehavior.Isolated);
            case "Sequence":
                var steps = new List<IPreTokenizer>();
                var i = 0;
                foreach (var p in JsonNodeReader.Get(e, "pretokenizers", where).EnumerateArray())
                {
                    if (Create(p, $"{where}.pretokenizers[{i++}]") is { } step)
                    {
                        steps.Add(step);
                    }
                }
                return new SequencePreTokenizer(steps);
            default:
                throw new TokenizerLoadException($"tokenizer.json: {where} type '{type}' is not supported");
        }
    }
}
