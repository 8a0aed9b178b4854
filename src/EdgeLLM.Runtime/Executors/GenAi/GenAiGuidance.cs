using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// Maps a request's <see cref="OutputConstraint"/> onto GenAI's turn guidance (llguidance inside GenAI): a JSON
/// Schema or <c>json_object</c> becomes <c>json_schema</c>, a pattern becomes <c>regex</c>. The schema gets
/// llguidance's <c>x-guidance</c> options so that its JSON is compact like EdgeLLM's (unless the request asks for
/// <see cref="JsonWhitespace.Flexible"/>) (llguidance otherwise allows
/// whitespace between every token, which a small model fills until it is cut off) and <c>oneOf</c> is taken as
/// <c>anyOf</c>, as EdgeLLM takes it.
/// </summary>
internal static class GenAiGuidance
{
    /// <summary>GenAI's guidance type and data for the constraint.</summary>
    /// <exception cref="GenerationException"><see cref="GenerationErrorCode.BadRequest"/>: GenAI's guidance cannot express it.</exception>
    public static (string Type, string Data) For(OutputConstraint constraint) => constraint.Kind switch
    {
        ConstraintKind.JsonObject => ("json_schema", WithOptions(new JsonObject { ["type"] = "object" }, constraint.Whitespace)),
        ConstraintKind.JsonSchema => ("json_schema", WithOptions(ParseSchema(constraint.Schema), constraint.Whitespace)),
        ConstraintKind.Regex => ("regex", Unanchored(constraint.Pattern ?? "")),
        _ => throw new GenerationException(GenerationErrorCode.BadRequest,
            $"the GenAI executor cannot enforce a {constraint.Kind} constraint"),
    };

    private static JsonObject ParseSchema(string? schema)
    {
        // EdgeLLM's compiler has accepted the schema already; a schema that is a boolean (true) is the one JSON
        // Schema that is not an object, and GenAI's guidance cannot take options on it.
        if (JsonNode.Parse(schema ?? "true") is JsonObject root)
        {
            return root;
        }
        throw new GenerationException(GenerationErrorCode.BadRequest,
            "the GenAI executor's guidance needs a JSON Schema object; a boolean schema can only run on EdgeLLM's own executor");
    }

    private static string WithOptions(JsonObject root, JsonWhitespace whitespace)
    {
        // Flexible is llguidance's own: whitespace between tokens without EdgeLLM's bound on a run.
        root["x-guidance"] = whitespace == JsonWhitespace.Flexible
            ? new JsonObject { ["whitespace_flexible"] = true, ["coerce_one_of"] = true }
            : new JsonObject
            {
                ["whitespace_flexible"] = false,
                ["item_separator"] = ",",
                ["key_separator"] = ":",
                ["coerce_one_of"] = true,
            };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>A pattern already constrains the whole answer in both engines; llguidance's regex has no anchors.</summary>
    private static string Unanchored(string pattern)
    {
        var start = pattern.StartsWith('^') ? 1 : 0;
        var end = pattern.Length;
        if (end > start && pattern[end - 1] == '$' && (end - 2 < start || pattern[end - 2] != '\\'))
        {
            end--;
        }
        return pattern[start..end];
    }
}
