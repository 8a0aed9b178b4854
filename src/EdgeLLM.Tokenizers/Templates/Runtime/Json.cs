using System.Globalization;
using System.Text;

namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>The <c>tojson</c> filter: Python's json.dumps as transformers calls it (non-ASCII kept, ", " and ": " separators).</summary>
internal static class Json
{
    public static string Serialize(object? value, int? indent)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? v, int? indent, int depth)
    {
        switch (v)
        {
            case null or Undefined:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long or double:
                sb.Append(Values.Str(v));
                break;
            case string s:
                WriteString(sb, s);
                break;
            case List<object?> list:
                WriteContainer(sb, '[', ']', list.Count, indent, depth, i => Write(sb, list[i], indent, depth + 1));
                break;
            case OrderedDictionary<string, object?> dict:
                var keys = dict.Keys.ToList();
                WriteContainer(sb, '{', '}', keys.Count, indent, depth, i =>
                {
                    WriteString(sb, keys[i]);
                    sb.Append(": ");
                    Write(sb, dict[keys[i]], indent, depth + 1);
                });
                break;
            case Namespace ns:
                Write(sb, Values.ToDict(ns.Attributes.Select(p => (p.Key, p.Value))), indent, depth);
                break;
            default:
                WriteString(sb, Values.Str(v));
                break;
        }
    }

    private static void WriteContainer(StringBuilder sb, char open, char close, int count, int? indent, int depth, Action<int> item)
    {
        sb.Append(open);
        if (count == 0)
        {
            sb.Append(close);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            if (indent is { } n)
            {
                sb.Append(i == 0 ? "\n" : ",\n").Append(' ', n * (depth + 1));
            }
            else if (i > 0)
            {
                sb.Append(", ");
            }
            item(i);
        }
        if (indent is { } m)
        {
            sb.Append('\n').Append(' ', m * depth);
        }
        sb.Append(close);
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
