using System.Globalization;
using System.Text;

namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>The filters chat templates use, with jinja2's arguments (map, select and their kin are in
/// the interpreter, because they call other filters and tests).</summary>
internal static class Filters
{
    public static object? Apply(string name, object? v, List<object?> args, Dictionary<string, object?> kw)
    {
        object? Arg(int i, string key, object? fallback = null) => kw.TryGetValue(key, out var k) ? k : i < args.Count ? args[i] : fallback;
        switch (name)
        {
            case "trim":
                return Arg(0, "chars") is string chars ? Values.Str(v).Trim(chars.ToCharArray()) : Values.Str(v).Trim();
            case "length" or "count":
                return (long)Values.Length(v);
            case "first":
                var f = Values.Iterate(v);
                return f.Count > 0 ? f[0] : new Undefined("first");
            case "last":
                var l = Values.Iterate(v);
                return l.Count > 0 ? l[^1] : new Undefined("last");
            case "upper":
                return Values.Str(v).ToUpperInvariant();
            case "lower":
                return Values.Str(v).ToLowerInvariant();
            case "title":
                return Methods.Title(Values.Str(v));
            case "capitalize":
                var c = Values.Str(v);
                return c.Length == 0 ? c : char.ToUpperInvariant(c[0]) + c[1..].ToLowerInvariant();
            case "replace":
                return Methods.Replace(Values.Str(v), Values.Str(Arg(0, "old")), Values.Str(Arg(1, "new")), Arg(2, "count") is long n ? (int)n : -1);
            case "default" or "d":
                var boolean = Values.Truthy(Arg(1, "boolean", false));
                return v is Undefined || (boolean && !Values.Truthy(v)) ? Arg(0, "default_value", "") : v;
            case "join":
                var items = Values.Iterate(v);
                if (Arg(1, "attribute") is string attr)
                {
                    items = items.Select(x => Methods.GetAttribute(x, attr)).ToList();
                }
                return string.Join(Values.Str(Arg(0, "d", "")), items.Select(Values.Str));
            case "list":
                return Values.Iterate(v).ToList();
            case "reverse":
                return v is string rs ? new string(rs.Reverse().ToArray()) : Enumerable.Reverse(Values.Iterate(v)).ToList();
            case "string":
                return Values.Str(v);
            case "int":
                return v switch
                {
                    long i => i,
                    double d => (long)d,
                    bool b => b ? 1L : 0L,
                    string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) => p,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)d,
                    _ => Arg(0, "default", 0L),
                };
            case "float":
                return v switch
                {
                    long i => (double)i,
                    double d => d,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                    _ => Arg(0, "default", 0.0),
                };
            case "abs":
                return v is long a ? (object)Math.Abs(a) : Math.Abs(Values.ToDouble(v));
            case "round":
                var precision = Arg(0, "precision", 0L) is long pr ? (int)pr : 0;
                var method = Values.Str(Arg(1, "method", "common"));
                var x = Values.ToDouble(v);
                var factor = Math.Pow(10, precision);
                return method switch
                {
                    "floor" => Math.Floor(x * factor) / factor,
                    "ceil" => Math.Ceiling(x * factor) / factor,
                    _ => Math.Round(x, precision, MidpointRounding.AwayFromZero),
                };
            case "items":
                return v is OrderedDictionary<string, object?> dict ? dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()
                    : v is null or Undefined ? [] : throw new InvalidOperationException($"items needs a dict, not {Values.TypeName(v)}");
            case "dictsort":
                var sortable = v as OrderedDictionary<string, object?> ?? throw new InvalidOperationException("dictsort needs a dict");
                var byValue = Values.Str(Arg(1, "by", "key")) == "value";
                var caseSensitive = Values.Truthy(Arg(0, "case_sensitive", false));
                var sorted = sortable.Select(p => new List<object?> { p.Key, p.Value }).ToList();
                sorted.Sort((p, q) => SortKey(byValue ? p[1] : p[0], caseSensitive, byValue ? q[1] : q[0]));
                if (Values.Truthy(Arg(2, "reverse", false)))
                {
                    sorted.Reverse();
                }
                return sorted.Cast<object?>().ToList();
            case "sort":
                var toSort = Values.Iterate(v).ToList();
                var sortAttr = Arg(2, "attribute") as string;
                var cs = Values.Truthy(Arg(1, "case_sensitive", false));
                toSort.Sort((p, q) => SortKey(sortAttr is null ? p : Methods.GetAttribute(p, sortAttr), cs, sortAttr is null ? q : Methods.GetAttribute(q, sortAttr)));
                if (Values.Truthy(Arg(0, "reverse", false)))
                {
                    toSort.Reverse();
                }
                return toSort;
            case "unique":
                var unique = new List<object?>();
                foreach (var u in Values.Iterate(v))
                {
                    if (!unique.Any(e => Values.Equals(e, u)))
                    {
                        unique.Add(u);
                    }
                }
                return unique;
            case "sum":
                return Values.Iterate(v).Aggregate(Arg(1, "start", 0L), (acc, e) => Operators.Binary("+", acc, Arg(0, "attribute") is string sa ? Methods.GetAttribute(e, sa) : e));
            case "min":
                return Values.Iterate(v).Aggregate((object?)null, (m, e) => m is null || Values.Compare(e, m) < 0 ? e : m);
            case "max":
                return Values.Iterate(v).Aggregate((object?)null, (m, e) => m is null || Values.Compare(e, m) > 0 ? e : m);
            case "safe":
                return v;
            case "e" or "escape":
                return Values.Str(v).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&#34;").Replace("'", "&#39;");
            case "indent":
                return Indent(Values.Str(v), Arg(0, "width", 4L), Values.Truthy(Arg(1, "first", false)), Values.Truthy(Arg(2, "blank", false)));
            case "wordcount":
                return (long)Values.Str(v).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            case "tojson":
                return Json.Serialize(v, Arg(0, "indent") is long ind ? (int)ind : null);
            case "batch":
                var size = (int)(long)(Arg(0, "linecount") ?? 1L);
                return Values.Iterate(v).Chunk(size).Select(ch => (object?)ch.ToList()).ToList();
            default:
                throw new InvalidOperationException($"unknown filter '{name}'");
        }
    }

    private static int SortKey(object? a, bool caseSensitive, object? b) =>
        !caseSensitive && a is string x && b is string y ? string.CompareOrdinal(x.ToLowerInvariant(), y.ToLowerInvariant()) : Values.Compare(a, b);

    private static string Indent(string s, object? width, bool first, bool blank)
    {
        var pad = width is string w ? w : new string(' ', (int)(long)(width ?? 4L));
        var lines = s.Split('\n');
        var sb = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('\n');
            }
            var indentThis = (i > 0 || first) && (blank || lines[i].Trim().Length > 0);
            sb.Append(indentThis ? pad : "").Append(lines[i]);
        }
        return sb.ToString();
    }
}
