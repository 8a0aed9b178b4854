using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using EdgeLLM.Runtime.Constraints.Grammar;

namespace EdgeLLM.Runtime.Constraints;

/// <summary>
/// Compiles a JSON Schema into grammar nodes. Every keyword is either enforced or refused with a
/// <see cref="ConstraintException"/> naming it and its place; annotations (titles, descriptions, examples) are the
/// only keywords passed over. <c>oneOf</c> is compiled as <c>anyOf</c>: exact when its alternatives are disjoint,
/// which the docs ask of schemas.
/// </summary>
/// <remarks>
/// The cost of a schema is bounded before any work that grows with it (issue 27: a 150-byte schema with
/// <c>minLength</c> 10^9 once took 2 GB): every count is checked as it is read, so no node is ever built for an
/// instance longer than <see cref="MaxShortestAnswerBytes"/>, and the schema's size (nodes, enum values, literal
/// bytes) is capped. The numbers are in docs/LIMITS.md.
/// </remarks>
internal sealed class SchemaCompiler
{
    /// <summary>Deepest nesting of schemas inside schemas (properties, items, anyOf).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The longest shortest-instance a schema may have: no context window holds more (128 KiB is 32,000 tokens of four
    /// bytes), and building and tokenizing it stays within milliseconds. Also the largest <c>minLength</c>/<c>minItems</c>.
    /// </summary>
    public const int MaxShortestAnswerBytes = 128 * 1024;

    /// <summary>Most grammar nodes a schema compiles to (each property, item schema, alternative and literal is one).</summary>
    public const int MaxNodes = 10_000;

    /// <summary>Most <c>enum</c> values in one schema, all enums together (OpenAI's limit for structured outputs).</summary>
    public const int MaxEnumValues = 1_000;

    /// <summary>Most bytes of <c>enum</c> and <c>const</c> values in one schema, all together.</summary>
    public const int MaxLiteralBytes = 32 * 1024;

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly",
        "$defs", "definitions",
    };

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "enum", "const", "minLength", "maxLength",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "items", "minItems", "maxItems", "anyOf", "oneOf", "$ref", "pattern",
    };

    private readonly JsonElement _root;
    private readonly Dictionary<string, ReferenceNode> _references = new(StringComparer.Ordinal);
    private readonly List<GrammarNode> _nodes = [];
    private int _enumValues;
    private long _literalBytes;

    private SchemaCompiler(JsonElement root)
    {
        _root = root;
    }

    /// <summary>The grammar of the schema in <paramref name="schemaJson"/>.</summary>
    public static GrammarNode Compile(string schemaJson)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(schemaJson, new JsonDocumentOptions { MaxDepth = 2 * MaxDepth });
        }
        catch (JsonException e)
        {
            throw new ConstraintException($"the schema is not JSON: {e.Message}", path: "#", inner: e);
        }
        using (doc)
        {
            var compiler = new SchemaCompiler(doc.RootElement);
            var root = compiler.Node(doc.RootElement, "#", 0);
            compiler.SolveMinimumLengths();
            if (root.MinBytes == int.MaxValue)
            {
                throw new ConstraintException("the schema has no finite instance (an empty range, or a $ref cycle with no way out)", path: "#");
            }
            if (root.MinBytes > MaxShortestAnswerBytes)
            {
                throw new ConstraintException(
                    $"the schema's shortest instance takes more than {MaxShortestAnswerBytes} bytes (counts multiply through nesting); no answer that long fits a context window", path: "#");
            }
            return root;
        }
    }

    /// <summary>Shortest instances through $ref cycles: relax every node until nothing changes.</summary>
    private void SolveMinimumLengths()
    {
        for (var round = 0; round < 10_000; round++)
        {
            var changed = false;
            foreach (var n in _nodes)
            {
                changed |= n.UpdateMinBytes();
            }
            if (!changed)
            {
                return;
            }
        }
    }

    private T Track<T>(T node)
        where T : GrammarNode
    {
        if (_nodes.Count >= MaxNodes)
        {
            throw new ConstraintException($"the schema is too large: it compiles to more than {MaxNodes} parts (properties, items, alternatives, values)", path: "#");
        }
        _nodes.Add(node);
        return node;
    }

    /// <summary>An enum or const value, counted against the schema's literal budget before it is kept.</summary>
    private LiteralNode Literal(byte[] bytes, string keyword, string path)
    {
        _literalBytes += bytes.Length;
        if (_literalBytes > MaxLiteralBytes)
        {
            throw new ConstraintException($"the schema's enum and const values take more than {MaxLiteralBytes} bytes together", keyword, $"{path}/{keyword}");
        }
        return Track(new LiteralNode(bytes));
    }

    private GrammarNode Node(JsonElement s, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ConstraintException($"the schema nests deeper than {MaxDepth} levels", path: path);
        }
        if (s.ValueKind == JsonValueKind.True)
        {
            return Track(FreeJson.Value(FreeJson.DefaultDepth));
        }
        if (s.ValueKind != JsonValueKind.Object)
        {
            throw new ConstraintException(s.ValueKind == JsonValueKind.False
                ? "a false schema admits no value" : "a schema must be an object or a boolean", path: path);
        }
        foreach (var p in s.EnumerateObject())
        {
            if (!Supported.Contains(p.Name) && !Annotations.Contains(p.Name))
            {
                throw new ConstraintException($"the schema keyword \"{p.Name}\" at {path} is not supported", p.Name, $"{path}/{p.Name}");
            }
        }
        if (s.TryGetProperty("$ref", out var reference))
        {
            RefuseBeside(s, "$ref", path);
            return Reference(reference, path);
        }
        foreach (var combinator in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (s.TryGetProperty(combinator, out var list))
            {
                RefuseBeside(s, combinator, path);
                return Choice(list, $"{path}/{combinator}", depth);
            }
        }
        if (s.TryGetProperty("const", out var constant))
        {
            return Literal(Serialize(constant), "const", path);
        }
        if (s.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw new ConstraintException("enum must be a non-empty array", "enum", $"{path}/enum");
            }
            // Counted before a single value is copied: a 30,000-value enum is refused here, not after its automaton.
            _enumValues += values.GetArrayLength();
            if (_enumValues > MaxEnumValues)
            {
                throw new ConstraintException($"the schema has more than {MaxEnumValues} enum values in all", "enum", $"{path}/enum");
            }
            var literals = new List<GrammarNode>();
            foreach (var v in values.EnumerateArray())
            {
                literals.Add(Literal(Serialize(v), "enum", path));
            }
            return Track(new ChoiceNode(literals));
        }
        if (!s.TryGetProperty("type", out var type))
        {
            return Typed(s, Infer(s), path, depth);
        }
        if (type.ValueKind == JsonValueKind.String)
        {
            return Typed(s, type.GetString()!, path, depth);
        }
        if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0)
        {
            var alternatives = new List<GrammarNode>();
            foreach (var t in type.EnumerateArray())
            {
                alternatives.Add(Typed(s, t.ValueKind == JsonValueKind.String ? t.GetString()! : "", path, depth));
            }
            return Track(new ChoiceNode(alternatives));
        }
        throw new ConstraintException("type must be a type name or a non-empty array of them", "type", $"{path}/type");
    }

    private static string Infer(JsonElement s) =>
        s.TryGetProperty("properties", out _) ? "object" : s.TryGetProperty("items", out _) ? "array" : "any";

    /// <summary>Combinators and references stand alone here: mixing them with other keywords would need intersections.</summary>
    private static void RefuseBeside(JsonElement s, string keyword, string path)
    {
        foreach (var p in s.EnumerateObject())
        {
            if (p.Name != keyword && !Annotations.Contains(p.Name))
            {
                throw new ConstraintException($"the schema keyword \"{p.Name}\" beside \"{keyword}\" at {path} is not supported", p.Name, $"{path}/{p.Name}");
            }
        }
    }

    private GrammarNode Choice(JsonElement list, string path, int depth)
    {
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new ConstraintException("must be a non-empty array of schemas", path[(path.LastIndexOf('/') + 1)..], path);
        }
        var alternatives = new List<GrammarNode>();
        var i = 0;
        foreach (var a in list.EnumerateArray())
        {
            alternatives.Add(Node(a, $"{path}/{i++}", depth + 1));
        }
        return Track(new ChoiceNode(alternatives));
    }

    private GrammarNode Reference(JsonElement reference, string path)
    {
        var pointer = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : "";
        if (_references.TryGetValue(pointer, out var known))
        {
            return known;
        }
        if (!pointer.StartsWith('#'))
        {
            throw new ConstraintException($"$ref \"{pointer}\" is not local (only \"#/...\" references are supported)", "$ref", $"{path}/$ref");
        }
        var target = _root;
        foreach (var raw in pointer[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var part = Uri.UnescapeDataString(raw).Replace("~1", "/").Replace("~0", "~");
            if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(part, out target))
            {
                throw new ConstraintException($"$ref \"{pointer}\" points at nothing in the schema", "$ref", $"{path}/$ref");
            }
        }
        var node = Track(new ReferenceNode(pointer));
        _references[pointer] = node;
        node.Target = Node(target, pointer, 1);
        return node;
    }

    private GrammarNode Typed(JsonElement s, string type, string path, int depth) => type switch
    {
        "object" => Object(s, path, depth),
        "array" => Array(s, path, depth),
        "string" => String(s, path),
        "integer" => Number(s, integer: true, path),
        "number" => Number(s, integer: false, path),
        "boolean" => Track(new ChoiceNode([Track(new LiteralNode("true"u8.ToArray())), Track(new LiteralNode("false"u8.ToArray()))])),
        "null" => Track(new LiteralNode("null"u8.ToArray())),
        "any" => Track(FreeJson.Value(FreeJson.DefaultDepth)),
        _ => throw new ConstraintException($"type \"{type}\" at {path} is not a JSON Schema type", "type", $"{path}/type"),
    };

    private GrammarNode String(JsonElement s, string path)
    {
        if (!s.TryGetProperty("pattern", out var pattern))
        {
            var min = MinimumCount(s, "minLength", path);
            var max = Count(s, "maxLength", path) ?? int.MaxValue;
            if (min > max)
            {
                // No string fits: answering anyway would break "always complete and valid".
                throw new ConstraintException($"minLength is larger than maxLength at {path}", "minLength", $"{path}/minLength");
            }
            return Track(new StringNode(min, max));
        }
        if (s.TryGetProperty("minLength", out _) || s.TryGetProperty("maxLength", out _))
        {
            throw new ConstraintException($"pattern beside minLength or maxLength at {path} is not supported (put the length in the pattern)", "pattern", $"{path}/pattern");
        }
        if (pattern.ValueKind != JsonValueKind.String)
        {
            throw new ConstraintException("pattern must be a string", "pattern", $"{path}/pattern");
        }
        RegexNode node;
        try
        {
            node = RegexNode.Compile(pattern.GetString()!, quoted: true);
        }
        catch (ConstraintException e)
        {
            throw new ConstraintException(e.Message, "pattern", $"{path}/pattern", e);
        }
        return node.MinBytes == int.MaxValue
            ? throw new ConstraintException($"pattern at {path} matches no JSON string without escapes", "pattern", $"{path}/pattern")
            : Track(node);
    }

    private GrammarNode Object(JsonElement s, string path, int depth)
    {
        var closed = false;
        if (s.TryGetProperty("additionalProperties", out var additional))
        {
            closed = additional.ValueKind switch
            {
                JsonValueKind.False => true,
                JsonValueKind.True => false,
                _ => throw new ConstraintException($"additionalProperties at {path} may only be true or false", "additionalProperties", $"{path}/additionalProperties"),
            };
        }
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (s.TryGetProperty("required", out var names))
        {
            if (names.ValueKind != JsonValueKind.Array)
            {
                throw new ConstraintException("required must be an array of names", "required", $"{path}/required");
            }
            foreach (var n in names.EnumerateArray())
            {
                required.Add(n.GetString() ?? throw new ConstraintException("required must be an array of names", "required", $"{path}/required"));
            }
        }
        if (!s.TryGetProperty("properties", out var properties))
        {
            if (required.Count > 0)
            {
                throw new ConstraintException($"required names properties the schema does not declare at {path}", "required", $"{path}/required");
            }
            // No declared properties: an open object may hold anything, a closed one nothing.
            return closed ? Track(new ObjectNode([])) : Track(FreeJson.Object(FreeJson.DefaultDepth));
        }
        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw new ConstraintException("properties must be an object", "properties", $"{path}/properties");
        }
        var list = new List<ObjectProperty>();
        foreach (var p in properties.EnumerateObject())
        {
            var key = Serialize(p.Name);
            var bytes = new byte[key.Length + 1];
            key.CopyTo(bytes, 0);
            bytes[^1] = (byte)':';
            list.Add(new ObjectProperty(p.Name, bytes, Node(p.Value, $"{path}/properties/{p.Name}", depth + 1), required.Remove(p.Name)));
        }
        if (required.Count > 0)
        {
            throw new ConstraintException($"required names \"{required.First()}\", which properties does not declare, at {path}", "required", $"{path}/required");
        }
        return Track(new ObjectNode(list));
    }

    private GrammarNode Array(JsonElement s, string path, int depth)
    {
        GrammarNode items;
        if (s.TryGetProperty("items", out var itemSchema))
        {
            if (itemSchema.ValueKind == JsonValueKind.Array)
            {
                throw new ConstraintException($"items as an array (tuples) at {path} is not supported", "items", $"{path}/items");
            }
            items = Node(itemSchema, $"{path}/items", depth + 1);
        }
        else
        {
            items = Track(FreeJson.Value(FreeJson.DefaultDepth - 1));
        }
        var min = MinimumCount(s, "minItems", path);
        var max = Count(s, "maxItems", path) ?? int.MaxValue;
        if (min > max)
        {
            throw new ConstraintException($"minItems is larger than maxItems at {path}", "minItems", $"{path}/minItems");
        }
        return Track(new ArrayNode(items, min, max));
    }

    private GrammarNode Number(JsonElement s, bool integer, string path)
    {
        var low = Bound(s, "minimum", path);
        var high = Bound(s, "maximum", path);
        var step = integer ? 1m : 0.000001m;
        if (Bound(s, "exclusiveMinimum", path) is { } exclusiveLow)
        {
            var above = integer ? Math.Floor(exclusiveLow) + 1 : exclusiveLow + step;
            low = low is { } l ? Math.Max(l, above) : above;
        }
        if (Bound(s, "exclusiveMaximum", path) is { } exclusiveHigh)
        {
            var below = integer ? Math.Ceiling(exclusiveHigh) - 1 : exclusiveHigh - step;
            high = high is { } h ? Math.Min(h, below) : below;
        }
        var node = Track(new NumberNode(integer, low, high));
        if (node.MinBytes == int.MaxValue)
        {
            throw new ConstraintException($"no {(integer ? "integer" : "number")} with at most {node.MaxIntegerDigits} digits lies within the bounds at {path}", "minimum", path);
        }
        return node;
    }

    private static decimal? Bound(JsonElement s, string keyword, string path)
    {
        if (!s.TryGetProperty(keyword, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d))
        {
            throw new ConstraintException($"{keyword} must be a number", keyword, $"{path}/{keyword}");
        }
        var limit = (decimal)Math.Pow(10, NumberNode.DefaultIntegerDigits);
        return Math.Clamp(d, -limit, limit);
    }

    /// <summary>
    /// A lower bound on a count (<c>minLength</c>, <c>minItems</c>): each unit takes at least a byte of the answer, so
    /// one above <see cref="MaxShortestAnswerBytes"/> is refused as it is read, before anything is built for it.
    /// </summary>
    private static int MinimumCount(JsonElement s, string keyword, string path)
    {
        var n = Count(s, keyword, path) ?? 0;
        return n <= MaxShortestAnswerBytes ? n : throw new ConstraintException(
            $"{keyword} {n} at {path} is above the limit of {MaxShortestAnswerBytes}: no answer that long fits a context window", keyword, $"{path}/{keyword}");
    }

    private static int? Count(JsonElement s, string keyword, string path)
    {
        if (!s.TryGetProperty(keyword, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < 0)
        {
            throw new ConstraintException($"{keyword} must be a non-negative integer", keyword, $"{path}/{keyword}");
        }
        return n;
    }

    private static byte[] Serialize(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            value.WriteTo(w);
        }
        return buffer.ToArray();
    }

    private static byte[] Serialize(string text)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            w.WriteStringValue(text);
        }
        return buffer.ToArray();
    }
}
