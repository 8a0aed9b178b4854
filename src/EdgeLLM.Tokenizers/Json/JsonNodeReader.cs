using System.Text.Json;

namespace EdgeLLM.Tokenizers.Json;

/// <summary>Small helpers for reading tokenizer.json sections with errors that name the field.</summary>
internal static class JsonNodeReader
{
    public static string Type(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            throw new TokenizerLoadException($"tokenizer.json: {where} must be an object with a \"type\"");
        }
        return t.GetString()!;
    }

    public static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Bool(JsonElement e, string name, bool fallback) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => fallback,
        } : fallback;

    public static bool IsPresent(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public static JsonElement Get(JsonElement e, string name, string where) =>
        e.TryGetProperty(name, out var v) ? v : throw new TokenizerLoadException($"tokenizer.json: {where}.{name} is missing");

    /// <summary>A <c>{"String": "x"}</c> or <c>{"Regex": "x"}</c> pattern as HF writes it.</summary>
    public static (string Pattern, bool IsRegex) Pattern(JsonElement e, string where)
    {
        var p = Get(e, "pattern", where);
        if (p.ValueKind == JsonValueKind.Object)
        {
            if (p.TryGetProperty("String", out var s))
            {
                return (s.GetString()!, false);
            }
            if (p.TryGetProperty("Regex", out var r))
            {
                return (r.GetString()!, true);
            }
        }
        throw new TokenizerLoadException($"tokenizer.json: {where}.pattern must be {{\"String\": ...}} or {{\"Regex\": ...}}");
    }
}
