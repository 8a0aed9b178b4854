using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLLM.Runtime.Constraints;

namespace EdgeLLM.Service.Contract;

/// <summary>
/// The schema of an answer that calls one of a request's tools: <c>{"name": one tool's name, "arguments": its
/// parameters}</c>. Each tool's parameters move under <c>$defs</c>, with their local <c>$ref</c>s rewritten to match,
/// so a tool's own definitions keep working.
/// </summary>
public static class ToolCallSchema
{
    /// <summary>The constraint for a call of one of <paramref name="choice"/>'s callable tools.</summary>
    public static OutputConstraint For(ToolChoice choice)
    {
        var defs = new JsonObject();
        var alternatives = new JsonArray();
        var i = 0;
        foreach (var tool in choice.Callable)
        {
            var key = $"tool_{i++}";
            var parameters = JsonNode.Parse(tool.Parameters)!;
            RewriteReferences(parameters, $"#/$defs/{key}");
            defs[key] = parameters;
            alternatives.Add((JsonNode)new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["name"] = new JsonObject { ["const"] = tool.Name },
                    ["arguments"] = new JsonObject { ["$ref"] = $"#/$defs/{key}" },
                },
                ["required"] = new JsonArray("name", "arguments"),
                ["additionalProperties"] = false,
            });
        }
        var schema = new JsonObject { ["$defs"] = defs, ["anyOf"] = alternatives };
        return OutputConstraint.ForSchema(schema.ToJsonString(), choice.Forced ?? "tool_call");
    }

    private static void RewriteReferences(JsonNode node, string root)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o.ToList())
                {
                    if (name == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var pointer) && pointer.StartsWith('#'))
                    {
                        o[name] = root + pointer[1..];
                    }
                    else if (value is not null)
                    {
                        RewriteReferences(value, root);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        RewriteReferences(item, root);
                    }
                }
                break;
        }
    }
}
