using System.Text.Json;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Service.Contract;

/// <summary>Typed access to a request object's fields; a present field of the wrong kind throws
/// <see cref="FieldException"/> naming it, an absent or null one reads as not given. <paramref name="prefix"/> is
/// where a nested object sits (Ollama's <c>options.</c>), so that an error names the field as the client wrote it.</summary>
internal readonly struct Fields(JsonElement root, string prefix = "")
{
    public const int MaxMessages = 256;

    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "user", "assistant", "tool", "developer" };

    /// <summary>The request object itself, for readers of nested fields (response_format, tools).</summary>
    public JsonElement Root => root;

    /// <summary>How an error names the field <paramref name="name"/>: with the prefix of the object holding it.</summary>
    public string At(string name) => prefix + name;

    public bool Has(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private bool TryGet(string name, out JsonElement value) => root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public bool TryOptionalString(string name, out string? value, out string? error)
    {
        error = StringProblem(name, out value) is { } problem ? $"{prefix}{name}: {problem}" : null;
        return error is null;
    }

    /// <summary>Why the field <paramref name="name"/> is not an optional string, or null when it is one (or absent).</summary>
    private string? StringProblem(string name, out string? value)
    {
        value = null;
        if (!TryGet(name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            return $"must be a string, found {Kind(v)}";
        }
        try
        {
            value = v.GetString();
        }
        catch (InvalidOperationException)
        {
            return LoneSurrogate;
        }
        return null;
    }

    /// <summary>
    /// A string's text. JSON may spell a lone UTF-16 surrogate as <c>\ud800</c>, which no .NET string API can turn
    /// into text (GetString throws); that is the client's error, named here.
    /// </summary>
    internal static string Text(JsonElement v, string at)
    {
        try
        {
            return v.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new FieldException(at, LoneSurrogate);
        }
    }

    private const string LoneSurrogate = "holds an escaped lone surrogate (\\uD800-\\uDFFF without its pair), which is not Unicode text";

    /// <summary>Refuses an OpenAI field this runtime cannot honour when it asks for something (not null, false or 0).</summary>
    public void RefuseUnsupported(string name, string why)
    {
        if (TryGet(name, out var v) && v.ValueKind != JsonValueKind.False && !(v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == 0))
        {
            throw new FieldException($"{prefix}{name}", $"not supported: {why}");
        }
    }

    public string? OptionalString(string name) =>
        StringProblem(name, out var s) is { } problem ? throw new FieldException(At(name), problem) : s;

    public string PromptText(string name)
    {
        var s = OptionalString(name);
        return string.IsNullOrEmpty(s) ? throw new FieldException($"{prefix}{name}", "must be a non-empty string") : s;
    }

    public int? OptionalInt(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i))
        {
            return i;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
        {
            return (int)d;
        }
        throw new FieldException($"{prefix}{name}", $"must be an integer, found {Kind(v)}");
    }

    public double? OptionalDouble(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number)
        {
            throw new FieldException($"{prefix}{name}", $"must be a number, found {Kind(v)}");
        }
        // JSON has no infinity, but 1e400 reads as one; no field means anything by it.
        return v.TryGetDouble(out var d) && double.IsFinite(d) ? d : throw new FieldException($"{prefix}{name}", $"{v.GetRawText()} is out of range");
    }

    public float? OptionalFloat(string name) => OptionalDouble(name) is { } d ? (float)d : null;

    public bool? OptionalBool(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FieldException($"{prefix}{name}", $"must be true or false, found {Kind(v)}"),
        };
    }

    public ulong? OptionalSeed(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var u))
        {
            return u;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var signed))
        {
            return unchecked((ulong)signed);
        }
        throw new FieldException($"{prefix}{name}", $"must be an integer, found {Kind(v)}");
    }

    public IReadOnlyList<string> StopStrings(string name, int max)
    {
        if (!TryGet(name, out var v))
        {
            return [];
        }
        if (v.ValueKind == JsonValueKind.String)
        {
            var one = Text(v, prefix + name);
            return one.Length == 0 ? throw new FieldException($"{prefix}{name}", "must not be empty") : [one];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new FieldException($"{prefix}{name}", $"must be a string or a list of strings, found {Kind(v)}");
        }
        if (v.GetArrayLength() > max)
        {
            throw new FieldException($"{prefix}{name}", $"at most {max} stop strings");
        }
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
        {
            var at = $"{prefix}{name}[{list.Count}]";
            if (item.ValueKind != JsonValueKind.String || Text(item, at).Length == 0)
            {
                throw new FieldException(at, "must be a non-empty string");
            }
            list.Add(Text(item, at));
        }
        return list;
    }

    public RequestPriority Priority(string name) => OptionalString(name) switch
    {
        null or "normal" => RequestPriority.Normal,
        "low" => RequestPriority.Low,
        "high" => RequestPriority.High,
        var other => throw new FieldException($"{prefix}{name}", $"must be low, normal or high, found \"{other}\""),
    };

    public List<PromptMessage> Messages(string name)
    {
        if (!TryGet(name, out var v) || v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
        {
            throw new FieldException($"{prefix}{name}", $"must be a non-empty list of {{\"role\", \"content\"}} objects");
        }
        if (v.GetArrayLength() > MaxMessages)
        {
            throw new FieldException($"{prefix}{name}", $"at most {MaxMessages} messages");
        }
        var list = new List<PromptMessage>(v.GetArrayLength());
        foreach (var m in v.EnumerateArray())
        {
            var at = $"{prefix}{name}[{list.Count}]";
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw new FieldException(at, "must be an object with role and content");
            }
            if (!m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String || !Roles.Contains(Text(role, $"{at}.role")))
            {
                throw new FieldException($"{at}.role", "must be one of system, user, assistant, tool, developer");
            }
            list.Add(new PromptMessage(Text(role, $"{at}.role"), Content(m, at)));
        }
        return list;
    }

    /// <summary>
    /// Content as a string, or OpenAI's list of parts of which only text parts are accepted. An assistant turn that
    /// called tools may have <c>content</c> null or absent (what the OpenAI SDK's <c>runTools</c> and the AI SDK's
    /// multi-step tools send back): its calls become its text, written as the answer the model gave for them.
    /// </summary>
    private static string Content(JsonElement message, string at)
    {
        var calls = message.TryGetProperty("tool_calls", out var list) && list.ValueKind != JsonValueKind.Null ? AssistantToolCalls(message, list, at) : null;
        if (!message.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null)
        {
            return calls ?? throw new FieldException($"{at}.content", "required");
        }
        if (calls is not null)
        {
            var text = ContentText(c, at);
            return text.Length == 0 ? calls : text + "\n" + calls;
        }
        return ContentText(c, at);
    }

    /// <summary>
    /// An assistant message's <c>tool_calls</c> as the text the model answered with for them: one
    /// <c>{"name","arguments"}</c> object per call (the shape of <see cref="ToolCallSchema"/>), a line each.
    /// </summary>
    private static string AssistantToolCalls(JsonElement message, JsonElement list, string at)
    {
        if (!message.TryGetProperty("role", out var role) || !role.ValueEquals("assistant"))
        {
            throw new FieldException($"{at}.tool_calls", "only assistant messages carry tool calls");
        }
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new FieldException($"{at}.tool_calls", $"must be a list of {{\"type\":\"function\",\"function\":{{\"name\",\"arguments\"}}}} objects");
        }
        var lines = new System.Text.StringBuilder();
        var i = 0;
        foreach (var call in list.EnumerateArray())
        {
            var where = $"{at}.tool_calls[{i++}]";
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw new FieldException($"{where}.function.name", "required");
            }
            var arguments = function.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? Text(a, $"{where}.function.arguments") : "{}";
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("name", Text(name, $"{where}.function.name"));
                w.WritePropertyName("arguments");
                try
                {
                    using var parsed = JsonDocument.Parse(arguments);
                    parsed.RootElement.WriteTo(w);
                }
                catch (JsonException)
                {
                    // Arguments a model cut short are sent back as they were: text, not a refusal of the whole turn.
                    w.WriteStringValue(arguments);
                }
                w.WriteEndObject();
            }
            if (lines.Length > 0)
            {
                lines.Append('\n');
            }
            lines.Append(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        return lines.ToString();
    }

    private static string ContentText(JsonElement c, string at)
    {
        if (c.ValueKind == JsonValueKind.String)
        {
            return Text(c, $"{at}.content");
        }
        if (c.ValueKind == JsonValueKind.Array)
        {
            var text = new System.Text.StringBuilder();
            foreach (var part in c.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("text")
                    || !part.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
                {
                    throw new FieldException($"{at}.content", "only text parts are supported");
                }
                text.Append(Text(t, $"{at}.content"));
            }
            return text.ToString();
        }
        throw new FieldException($"{at}.content", $"must be a string, found {Kind(c)}");
    }

    internal static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => v.ValueKind.ToString().ToLowerInvariant(),
    };
}
