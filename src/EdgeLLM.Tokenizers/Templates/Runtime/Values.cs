using System.Collections;
using System.Globalization;
using System.Text;

namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>
/// Python semantics for template values: None, bool, int (long), float (double), str, list, dict (insertion
/// ordered), plus Undefined, namespaces and callables. Truthiness, str(), repr(), equality and ordering follow
/// Python, which is what chat templates were written against.
/// </summary>
internal static class Values
{
    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        ICollection c => c.Count > 0,
        _ => true,
    };

    /// <summary>How <c>{{ value }}</c> prints: as the reference renderer (transformers.js) does, None prints
    /// nothing, booleans print true/false and lists and dicts print as JSON.</summary>
    public static string Str(object? v) => v switch
    {
        null or Undefined => "",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        List<object?> or OrderedDictionary<string, object?> => Json.Serialize(v, null),
        _ => Repr(v),
    };

    /// <summary>Python's repr().</summary>
    public static string Repr(object? v) => v switch
    {
        string s => StringRepr(s),
        List<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        OrderedDictionary<string, object?> dict => "{" + string.Join(", ", dict.Select(p => $"{StringRepr(p.Key)}: {Repr(p.Value)}")) + "}",
        Namespace => "<Namespace>",
        Callable c => $"<function {c.Name}>",
        _ => Str(v),
    };

    internal static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s.Replace("E+", "e+").Replace("E-", "e-") : s + ".0";
    }

    private static string StringRepr(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c == quote => "\\" + c,
                _ => c.ToString(),
            });
        }
        return sb.Append(quote).ToString();
    }

    public static bool IsNumber(object? v) => v is long or double or bool;

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"{TypeName(v)} is not a number"),
    };

    public static new bool Equals(object? a, object? b)
    {
        if (a is Undefined || b is Undefined)
        {
            return a is Undefined && b is Undefined;
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return ToDouble(a) == ToDouble(b);
        }
        return (a, b) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (string x, string y) => x == y,
            (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => Equals(p.First, p.Second)),
            (OrderedDictionary<string, object?> x, OrderedDictionary<string, object?> y) => x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var o) && Equals(p.Value, o)),
            _ => ReferenceEquals(a, b),
        };
    }

    public static int Compare(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return ToDouble(a).CompareTo(ToDouble(b));
        }
        if (a is string x && b is string y)
        {
            return string.CompareOrdinal(x, y);
        }
        if (a is List<object?> l && b is List<object?> r)
        {
            for (var i = 0; i < Math.Min(l.Count, r.Count); i++)
            {
                var c = Compare(l[i], r[i]);
                if (c != 0)
                {
                    return c;
                }
            }
            return l.Count.CompareTo(r.Count);
        }
        throw new InvalidOperationException($"'<' not supported between {TypeName(a)} and {TypeName(b)}");
    }

    /// <summary>What a for loop walks: list items, dict keys, string characters; Undefined and None are empty.</summary>
    public static List<object?> Iterate(object? v) => v switch
    {
        null or Undefined => [],
        List<object?> list => list,
        OrderedDictionary<string, object?> dict => dict.Keys.Cast<object?>().ToList(),
        string s => StringElements(s),
        _ => throw new InvalidOperationException($"{TypeName(v)} is not iterable"),
    };

    private static List<object?> StringElements(string s)
    {
        var list = new List<object?>();
        for (var i = 0; i < s.Length; i++)
        {
            var w = char.IsHighSurrogate(s[i]) && i + 1 < s.Length ? 2 : 1;
            list.Add(s.Substring(i, w));
            i += w - 1;
        }
        return list;
    }

    public static int Length(object? v) => v switch
    {
        string s => StringElements(s).Count,
        ICollection c => c.Count,
        Undefined => 0,
        _ => throw new InvalidOperationException($"object of type {TypeName(v)} has no len()"),
    };

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        Undefined u => $"undefined ('{u.Name}')",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "dict",
        Namespace => "namespace",
        Callable => "function",
        _ => v.GetType().Name,
    };

    /// <summary>Converts caller-supplied .NET values (options.Variables) into template values.</summary>
    public static object? FromHost(object? v) => v switch
    {
        null or bool or long or double or string => v,
        int i => (long)i,
        float f => (double)f,
        decimal m => (double)m,
        System.Text.Json.JsonElement e => FromJson(e),
        IDictionary<string, object?> d => ToDict(d.Select(p => (p.Key, FromHost(p.Value)))),
        IEnumerable<KeyValuePair<string, object?>> d => ToDict(d.Select(p => (p.Key, FromHost(p.Value)))),
        IEnumerable e when v is not string => e.Cast<object?>().Select(FromHost).ToList(),
        _ => v.ToString(),
    };

    private static object? FromJson(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => e.GetString(),
        System.Text.Json.JsonValueKind.Number => e.TryGetInt64(out var l) ? (object)l : e.GetDouble(),
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        System.Text.Json.JsonValueKind.Object => ToDict(e.EnumerateObject().Select(p => (p.Name, FromJson(p.Value)))),
        _ => null,
    };

    public static OrderedDictionary<string, object?> ToDict(IEnumerable<(string Key, object? Value)> pairs)
    {
        var d = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in pairs)
        {
            d[k] = v;
        }
        return d;
    }
}
