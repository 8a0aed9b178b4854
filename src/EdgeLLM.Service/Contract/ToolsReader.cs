using System.Text.Json;

namespace EdgeLLM.Service.Contract;

/// <summary>Reads OpenAI's <c>tools</c> and <c>tool_choice</c>; a malformed entry is a <see cref="FieldException"/> naming it.</summary>
internal static class ToolsReader
{
    public const int MaxTools = 64;

    /// <summary>The tools to call, or null when there are none or <c>tool_choice</c> is <c>"none"</c>.</summary>
    public static ToolChoice? Read(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
        {
            if (root.TryGetProperty("tool_choice", out var orphan) && orphan.ValueKind is not (JsonValueKind.Null or JsonValueKind.String))
            {
                throw new FieldException("tool_choice", "names a function but the request has no tools");
            }
            return null;
        }
        if (tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() is 0 or > MaxTools)
        {
            throw new FieldException("tools", $"must be an array of 1 to {MaxTools} tools");
        }
        var list = new List<ToolDefinition>();
        var i = 0;
        foreach (var t in tools.EnumerateArray())
        {
            list.Add(Tool(t, $"tools[{i++}]"));
        }
        if (list.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count() != list.Count)
        {
            throw new FieldException("tools", "two tools have the same name");
        }
        string? forced = null;
        if (root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind != JsonValueKind.Null)
        {
            if (choice.ValueKind == JsonValueKind.String)
            {
                switch (choice.GetString())
                {
                    case "none":
                        return null;
                    case "auto" or "required":
                        break;
                    case var other:
                        throw new FieldException("tool_choice", $"must be \"none\", \"auto\", \"required\" or a named function, found \"{other}\"");
                }
            }
            else if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var f)
                && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
            {
                forced = n.GetString()!;
                if (!list.Exists(t => t.Name == forced))
                {
                    throw new FieldException("tool_choice", $"names \"{forced}\", which is not among the tools");
                }
            }
            else
            {
                throw new FieldException("tool_choice", "must be a string or {\"type\":\"function\",\"function\":{\"name\":…}}");
            }
        }
        return new ToolChoice(list, forced);
    }

    private static bool IsToolName(string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    private static ToolDefinition Tool(JsonElement t, string path)
    {
        if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object)
        {
            throw new FieldException(path, $"must be {{\"type\":\"function\",\"function\":{{…}}}}");
        }
        if (t.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "function")
        {
            throw new FieldException($"{path}.type", "only \"function\" tools are supported");
        }
        if (!f.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 and <= 64 } n
            || !IsToolName(n))
        {
            // OpenAI's rule: a name is an identifier, never text that could carry quotes, newlines or control tokens into the prompt.
            throw new FieldException($"{path}.function.name", "must be 1 to 64 characters of a-z, A-Z, 0-9, _ and -");
        }
        var description = f.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var parameters = """{"type":"object","properties":{},"additionalProperties":false}""";
        if (f.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Object)
            {
                throw new FieldException($"{path}.function.parameters", "must be a JSON Schema object");
            }
            // Arguments are a JSON object (OpenAI sends them as its text); a schema of another type would make them a string or a number.
            var typed = p.TryGetProperty("type", out var schemaType);
            if (typed ? schemaType.ValueKind != JsonValueKind.String || !schemaType.ValueEquals("object") : p.EnumerateObject().Any(k => k.Name is "anyOf" or "oneOf" or "enum" or "const" or "$ref" or "items"))
            {
                throw new FieldException($"{path}.function.parameters", "must be a schema of \"type\": \"object\"");
            }
            parameters = p.GetRawText();
        }
        return new ToolDefinition(n, description, parameters);
    }
}
