using System.Text.Json;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// A JSON object of a configuration file, read field by field so that every error message says which
/// file and which dotted path (<c>model.decoder.head_size</c>) is missing or of the wrong kind.
/// </summary>
internal readonly struct ConfigObject
{
    private readonly JsonElement _element;

    public ConfigObject(JsonElement element, string source, string path)
    {
        _element = element;
        Source = source;
        Path = path;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path.Length == 0 ? "the top level must be a JSON object" : $"{path} must be an object");
        }
    }

    public string Source { get; }

    public string Path { get; }

    public bool IsPresent => _element.ValueKind == JsonValueKind.Object;

    public string FieldPath(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    public ModelLoadException Error(string message) => new($"{Source}: {message}");

    public bool Has(string name) => IsPresent && _element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public ConfigObject Object(string name)
    {
        if (!IsPresent || !_element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            throw Error($"{FieldPath(name)} is missing");
        }
        return new ConfigObject(v, Source, FieldPath(name));
    }

    /// <summary>An absent optional object reads as an empty one whose fields all take their defaults.</summary>
    public ConfigObject OptionalObject(string name) => Has(name) ? Object(name) : new ConfigObject(Source, FieldPath(name));

    /// <summary>An absent object: every field reads as missing.</summary>
    private ConfigObject(string source, string path)
    {
        _element = default;
        Source = source;
        Path = path;
    }

    public int Int(string name)
    {
        var v = Required(name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
        {
            throw Error($"{FieldPath(name)} must be an integer, found {Describe(v)}");
        }
        return i;
    }

    public int PositiveInt(string name)
    {
        var i = Int(name);
        return i > 0 ? i : throw Error($"{FieldPath(name)} must be positive, found {i}");
    }

    public int? OptionalInt(string name) => Has(name) ? Int(name) : null;

    public int IntOr(string name, int fallback) => Has(name) ? Int(name) : fallback;

    public float FloatOr(string name, float fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }
        var v = Required(name);
        return v.ValueKind == JsonValueKind.Number ? v.GetSingle() : throw Error($"{FieldPath(name)} must be a number, found {Describe(v)}");
    }

    public bool BoolOr(string name, bool fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }
        var v = Required(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"{FieldPath(name)} must be true or false, found {Describe(v)}"),
        };
    }

    public string String(string name)
    {
        var v = Required(name);
        var s = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return string.IsNullOrEmpty(s) ? throw Error($"{FieldPath(name)} must be a non-empty string, found {Describe(v)}") : s;
    }

    public string? OptionalString(string name) => Has(name) ? String(name) : null;

    /// <summary>A number or a list of numbers (as <c>eos_token_id</c> may be).</summary>
    public int[] IntOrIntList(string name)
    {
        var v = Required(name);
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var one))
        {
            return [one];
        }
        if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0)
        {
            var list = new int[v.GetArrayLength()];
            var i = 0;
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out list[i++]))
                {
                    throw Error($"{FieldPath(name)}[{i - 1}] must be an integer, found {Describe(item)}");
                }
            }
            return list;
        }
        throw Error($"{FieldPath(name)} must be an integer or a non-empty list of integers, found {Describe(v)}");
    }

    public JsonElement? OptionalElement(string name) => Has(name) ? Required(name) : null;

    public IEnumerable<JsonProperty> Properties() => IsPresent ? _element.EnumerateObject() : [];

    private JsonElement Required(string name)
    {
        if (!IsPresent || !_element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            throw Error($"{FieldPath(name)} is missing");
        }
        return v;
    }

    internal static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"\"{v.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        _ => v.GetRawText(),
    };
}
