using System.Text.Json;
using EdgeLLM.Runtime.Constraints;

namespace EdgeLLM.Service.Contract;

/// <summary>
/// Reads OpenAI's <c>response_format</c>: <c>text</c> (no constraint), <c>json_object</c>, or <c>json_schema</c>
/// with <c>{name, schema, strict}</c>, or EdgeLLM's <c>regex</c> with <c>pattern</c>. Whether EdgeLLM can enforce the schema is decided by the runtime, which refuses
/// unsupported keywords by name; <c>strict</c> changes nothing, since every constrained answer is held to the schema.
/// EdgeLLM's <c>whitespace</c> (<c>"compact"</c> or <c>"flexible"</c>) sits in <c>json_schema</c> or beside <c>type</c>.
/// </summary>
internal static class ResponseFormatReader
{
    /// <summary>The constraint, or null for free text.</summary>
    public static OutputConstraint? Read(JsonElement root)
    {
        if (!root.TryGetProperty("response_format", out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            throw new FieldException("response_format", "must be an object like {\"type\": \"json_object\"}");
        }
        switch (t.GetString())
        {
            case "text":
                return null;
            case "json_object":
                return OutputConstraint.JsonObject with { Whitespace = ReadWhitespace(v, "response_format.whitespace") };
            case "json_schema":
                if (!v.TryGetProperty("json_schema", out var js) || js.ValueKind != JsonValueKind.Object)
                {
                    throw new FieldException("response_format.json_schema", "required, {\"name\", \"schema\", \"strict\"}");
                }
                if (!js.TryGetProperty("schema", out var schema) || schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True))
                {
                    throw new FieldException("response_format.json_schema.schema", "must be a JSON Schema object");
                }
                var name = js.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                // EdgeLLM's extension, beside the schema (or beside the type): "compact" (default) or "flexible".
                var whitespace = js.TryGetProperty("whitespace", out _)
                    ? ReadWhitespace(js, "response_format.json_schema.whitespace")
                    : ReadWhitespace(v, "response_format.whitespace");
                return OutputConstraint.ForSchema(schema.GetRawText(), name) with { Whitespace = whitespace };
            case "regex":
                // EdgeLLM's extension: the whole answer matches a regular expression.
                if (!v.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.String || pattern.GetString() is not { Length: > 0 } text)
                {
                    throw new FieldException("response_format.pattern", "required with type regex, a non-empty string");
                }
                return new OutputConstraint { Kind = ConstraintKind.Regex, Pattern = text };
            case var other:
                throw new FieldException("response_format.type", $"must be text, json_object, json_schema or regex, found \"{other}\"");
        }
    }

    private static JsonWhitespace ReadWhitespace(JsonElement owner, string field)
    {
        if (!owner.TryGetProperty("whitespace", out var w) || w.ValueKind == JsonValueKind.Null)
        {
            return JsonWhitespace.Compact;
        }
        return (w.ValueKind == JsonValueKind.String ? w.GetString() : null) switch
        {
            "compact" => JsonWhitespace.Compact,
            "flexible" => JsonWhitespace.Flexible,
            _ => throw new FieldException(field, "must be \"compact\" or \"flexible\""),
        };
    }
}
