using System.Text.Json;
using EdgeLLM.Runtime.Constraints;

namespace EdgeLLM.Service.Contract;

/// <summary>
/// Reads OpenAI's <c>response_format</c>: <c>text</c> (no constraint), <c>json_object</c>, or <c>json_schema</c>
/// with <c>{name, schema, strict}</c>, or EdgeLLM's <c>regex</c> with <c>pattern</c>. Whether EdgeLLM can enforce the schema is decided by the runtime, which refuses
/// unsupported keywords by name; <c>strict</c> changes nothing, since every constrained answer is held to the schema.
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
            throw new FieldException("response_format: must be an object like {\"type\": \"json_object\"}");
        }
        switch (t.GetString())
        {
            case "text":
                return null;
            case "json_object":
                return OutputConstraint.JsonObject;
            case "json_schema":
                if (!v.TryGetProperty("json_schema", out var js) || js.ValueKind != JsonValueKind.Object)
                {
                    throw new FieldException("response_format.json_schema: required, {\"name\", \"schema\", \"strict\"}");
                }
                if (!js.TryGetProperty("schema", out var schema) || schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True))
                {
                    throw new FieldException("response_format.json_schema.schema: must be a JSON Schema object");
                }
                var name = js.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                return OutputConstraint.ForSchema(schema.GetRawText(), name);
            case "regex":
                // EdgeLLM's extension: the whole answer matches a regular expression.
                if (!v.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.String || pattern.GetString() is not { Length: > 0 } text)
                {
                    throw new FieldException("response_format.pattern: required with type regex, a non-empty string");
                }
                return new OutputConstraint { Kind = ConstraintKind.Regex, Pattern = text };
            case var other:
                throw new FieldException($"response_format.type: must be text, json_object, json_schema or regex, found \"{other}\"");
        }
    }
}
