using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeLLM.Runtime.Tests.Constraints;

/// <summary>
/// A reproducible suite of JSON Schemas with prompts, the kind a device fleet sends: nested objects, enums, bounded
/// integers and numbers, arrays with item bounds, <c>anyOf</c>, <c>$ref</c>/<c>$defs</c>, const, optional properties.
/// Each schema's shortest instance stays well inside 64 tokens, so every case must come back complete and valid.
/// </summary>
internal static class SchemaSuite
{
    private static readonly string[] Words = ["mode", "level", "zone", "state", "target", "unit", "speed", "room", "label", "count", "color", "delay", "power", "note", "limit", "scene"];
    private static readonly string[] Values = ["on", "off", "auto", "eco", "high", "low", "kitchen", "garden", "open", "closed", "red", "blue", "idle", "heat", "cool"];
    private static readonly string[] Tasks =
    [
        "Turn on the kitchen light at half brightness.", "Set the thermostat to 21 degrees in eco mode.", "Open the garage door in ten minutes.",
        "Report the state of the garden sprinkler.", "Dim the bedroom lamps to 30 percent.", "Start the washer tonight.",
        "Lock the front door and arm the alarm.", "What is the temperature in the living room?", "Set the fan speed to 3.",
        "Close the blinds in the office.",
    ];

    public sealed record Case(int Index, string Category, string Schema, string Prompt);

    public static IReadOnlyList<Case> Build(int count = 200, int seed = 15)
    {
        var r = new Random(seed);
        var cases = new List<Case>(count);
        string[] categories = ["nested", "enum", "bounded", "array", "anyOf", "ref"];
        for (var i = 0; i < count; i++)
        {
            var category = categories[i % categories.Length];
            var schema = category switch
            {
                "nested" => Object(r, depth: 2, focus: null),
                "enum" => Object(r, depth: 1, focus: "enum"),
                "bounded" => Object(r, depth: 1, focus: "bounded"),
                "array" => Object(r, depth: 1, focus: "array"),
                "anyOf" => Object(r, depth: 1, focus: "anyOf"),
                _ => WithDefinitions(r),
            };
            var prompt = $"{Tasks[r.Next(Tasks.Length)]} Answer with JSON only.";
            cases.Add(new Case(i, category, schema.ToJsonString(), prompt));
        }
        return cases;
    }

    private static JsonObject Object(Random r, int depth, string? focus)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var names = Words.OrderBy(_ => r.Next()).Take(r.Next(2, 5)).ToList();
        for (var k = 0; k < names.Count; k++)
        {
            var kind = k == 0 && focus is not null ? focus : Kinds(depth)[r.Next(Kinds(depth).Length)];
            properties[names[k]] = Value(r, kind, depth);
            if (k == 0 || r.NextDouble() < 0.6)
            {
                required.Add(names[k]);
            }
        }
        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false };
    }

    private static string[] Kinds(int depth) => depth > 1
        ? ["object", "enum", "bounded", "string", "boolean", "array", "anyOf", "number"]
        : ["enum", "bounded", "string", "boolean", "number", "null", "const"];

    private static JsonNode Value(Random r, string kind, int depth) => kind switch
    {
        "object" => Object(r, depth - 1, null),
        "enum" => new JsonObject { ["enum"] = new JsonArray([.. Values.OrderBy(_ => r.Next()).Take(r.Next(2, 6)).Select(v => (JsonNode)v)]) },
        "bounded" => r.NextDouble() < 0.5
            ? new JsonObject { ["type"] = "integer", ["minimum"] = r.Next(-20, 10), ["maximum"] = r.Next(10, 500) }
            : new JsonObject { ["type"] = "integer", ["exclusiveMinimum"] = 0, ["maximum"] = r.Next(2, 100) },
        "number" => new JsonObject { ["type"] = "number", ["minimum"] = -r.Next(0, 50) - 0.5, ["maximum"] = r.Next(1, 100) + 0.25 },
        "string" => r.NextDouble() < 0.7
            ? new JsonObject { ["type"] = "string", ["minLength"] = r.Next(0, 3), ["maxLength"] = r.Next(4, 20) }
            : new JsonObject { ["type"] = "string" },
        "boolean" => new JsonObject { ["type"] = "boolean" },
        "null" => new JsonObject { ["type"] = "null" },
        "const" => new JsonObject { ["const"] = Values[r.Next(Values.Length)] },
        "array" => new JsonObject
        {
            ["type"] = "array",
            ["items"] = r.NextDouble() < 0.5 ? Value(r, "enum", 1) : Value(r, "bounded", 1),
            ["minItems"] = r.Next(0, 2),
            ["maxItems"] = r.Next(2, 5),
        },
        "anyOf" => new JsonObject
        {
            ["anyOf"] = new JsonArray(Value(r, "bounded", 1), new JsonObject { ["type"] = "string", ["maxLength"] = 8 }, new JsonObject { ["type"] = "null" }),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static JsonObject WithDefinitions(Random r)
    {
        var setting = Object(r, depth: 1, focus: "enum");
        var root = Object(r, depth: 1, focus: null);
        var properties = (JsonObject)root["properties"]!;
        properties["primary"] = new JsonObject { ["$ref"] = "#/$defs/setting" };
        if (r.NextDouble() < 0.5)
        {
            properties["backup"] = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/$defs/setting" }, new JsonObject { ["type"] = "null" }) };
        }
        ((JsonArray)root["required"]!).Add("primary");
        root["$defs"] = new JsonObject { ["setting"] = setting };
        return root;
    }

    /// <summary>The suite as JSON lines (for harnesses outside the repository, such as another executor's guidance).</summary>
    public static string ToJsonLines(IEnumerable<Case> cases) =>
        string.Join('\n', cases.Select(c => JsonSerializer.Serialize(new { c.Index, c.Category, schema = JsonNode.Parse(c.Schema), c.Prompt })));
}
