using System.Text;

namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>Attribute access and the Python methods templates call on strings, dicts and lists.</summary>
internal static class Methods
{
    /// <summary><c>x.name</c>: a dict entry, a namespace attribute, a loop attribute or a bound method.</summary>
    public static object? GetAttribute(object? target, string name)
    {
        switch (target)
        {
            case OrderedDictionary<string, object?> dict:
                if (dict.TryGetValue(name, out var v))
                {
                    return v;
                }
                return (object?)DictMethod(dict, name) ?? new Undefined(name);
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var a) ? a : new Undefined(name);
            case LoopInfo loop:
                return loop.Attribute(name);
            case string s:
                return (object?)StringMethod(s, name) ?? new Undefined(name);
            case List<object?> list:
                return (object?)ListMethod(list, name) ?? new Undefined(name);
            case Undefined u:
                return new Undefined($"{u.Name}.{name}");
            default:
                return new Undefined(name);
        }
    }

    /// <summary><c>x[key]</c>.</summary>
    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case OrderedDictionary<string, object?> dict:
                return key is string k && dict.TryGetValue(k, out var v) ? v : new Undefined(Values.Str(key));
            case List<object?> list when key is long i:
                var at = i < 0 ? list.Count + i : i;
                return at >= 0 && at < list.Count ? list[(int)at] : new Undefined($"[{i}]");
            case string s when key is long j:
                var elements = Values.Iterate(s);
                var idx = j < 0 ? elements.Count + j : j;
                return idx >= 0 && idx < elements.Count ? elements[(int)idx] : new Undefined($"[{j}]");
            case Namespace or LoopInfo when key is string name:
                return GetAttribute(target, name);
            case Undefined u:
                return new Undefined($"{u.Name}[{Values.Str(key)}]");
            default:
                return key is string attr ? GetAttribute(target, attr) : new Undefined($"[{Values.Str(key)}]");
        }
    }

    /// <summary>Python slicing with negative indices and steps.</summary>
    public static object? Slice(object? target, long? start, long? stop, long? step)
    {
        var items = target is string s ? Values.Iterate(s) : target as List<object?> ?? throw new InvalidOperationException($"cannot slice {Values.TypeName(target)}");
        var n = items.Count;
        var st = step ?? 1;
        if (st == 0)
        {
            throw new InvalidOperationException("slice step cannot be zero");
        }
        long Clamp(long? v, long fallback, bool isStart)
        {
            if (v is null)
            {
                return fallback;
            }
            var x = v.Value < 0 ? v.Value + n : v.Value;
            return st > 0 ? Math.Clamp(x, 0, n) : Math.Clamp(x, -1, n - 1);
        }
        var from = Clamp(start, st > 0 ? 0 : n - 1, true);
        var to = Clamp(stop, st > 0 ? n : -1, false);
        var result = new List<object?>();
        for (var i = from; st > 0 ? i < to : i > to; i += st)
        {
            result.Add(items[(int)i]);
        }
        return target is string ? string.Concat(result.Select(x => (string)x!)) : result;
    }

    private static Callable? StringMethod(string s, string name) => name switch
    {
        "strip" => Method(name, a => a.Count > 0 && a[0] is string c ? s.Trim(c.ToCharArray()) : s.Trim()),
        "lstrip" => Method(name, a => a.Count > 0 && a[0] is string c ? s.TrimStart(c.ToCharArray()) : s.TrimStart()),
        "rstrip" => Method(name, a => a.Count > 0 && a[0] is string c ? s.TrimEnd(c.ToCharArray()) : s.TrimEnd()),
        "upper" => Method(name, _ => s.ToUpperInvariant()),
        "lower" => Method(name, _ => s.ToLowerInvariant()),
        "title" => Method(name, _ => Title(s)),
        "capitalize" => Method(name, _ => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant()),
        "startswith" => Method(name, a => Prefixes(a).Any(p => s.StartsWith(p, StringComparison.Ordinal))),
        "endswith" => Method(name, a => Prefixes(a).Any(p => s.EndsWith(p, StringComparison.Ordinal))),
        "split" => Method(name, a => Split(s, a.Count > 0 ? a[0] as string : null, a.Count > 1 && a[1] is long m ? (int)m : -1)),
        "splitlines" => Method(name, _ => s.Split('\n').Select(l => (object?)l.TrimEnd('\r')).ToList()),
        "replace" => Method(name, a => Replace(s, Values.Str(a[0]), Values.Str(a[1]), a.Count > 2 && a[2] is long c ? (int)c : -1)),
        "find" => Method(name, a => (long)s.IndexOf(Values.Str(a[0]), StringComparison.Ordinal)),
        "count" => Method(name, a => (long)CountOf(s, Values.Str(a[0]))),
        "join" => Method(name, a => string.Join(s, Values.Iterate(a[0]).Select(Values.Str))),
        "isdigit" => Method(name, _ => s.Length > 0 && s.All(char.IsDigit)),
        "isspace" => Method(name, _ => s.Length > 0 && s.All(char.IsWhiteSpace)),
        _ => null,
    };

    private static Callable? DictMethod(OrderedDictionary<string, object?> d, string name) => name switch
    {
        "items" => Method(name, _ => d.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()),
        "keys" => Method(name, _ => d.Keys.Cast<object?>().ToList()),
        "values" => Method(name, _ => d.Values.ToList()),
        "get" => Method(name, a => a.Count > 0 && a[0] is string k && d.TryGetValue(k, out var v) ? v : a.Count > 1 ? a[1] : null),
        _ => null,
    };

    private static Callable? ListMethod(List<object?> list, string name) => name switch
    {
        "append" => Method(name, a => { list.Add(a[0]); return null; }),
        "extend" => Method(name, a => { list.AddRange(Values.Iterate(a[0])); return null; }),
        "pop" => Method(name, a =>
        {
            var i = a.Count > 0 && a[0] is long idx ? (int)(idx < 0 ? list.Count + idx : idx) : list.Count - 1;
            var v = list[i];
            list.RemoveAt(i);
            return v;
        }),
        "index" => Method(name, a => (long)list.FindIndex(x => Values.Equals(x, a[0]))),
        "count" => Method(name, a => (long)list.Count(x => Values.Equals(x, a[0]))),
        _ => null,
    };

    private static Callable Method(string name, Func<List<object?>, object?> body) => new(name, (args, _) => body(args));

    private static IEnumerable<string> Prefixes(List<object?> a) =>
        a.Count == 0 ? [] : a[0] is List<object?> tuple ? tuple.Select(Values.Str) : [Values.Str(a[0])];

    private static List<object?> Split(string s, string? separator, int maxSplit)
    {
        if (separator is null)
        {
            var parts = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return parts.Cast<object?>().ToList();
        }
        return (maxSplit < 0 ? s.Split(separator) : s.Split(separator, maxSplit + 1)).Cast<object?>().ToList();
    }

    public static string Replace(string s, string old, string replacement, int count)
    {
        if (count < 0)
        {
            return old.Length == 0 ? s : s.Replace(old, replacement, StringComparison.Ordinal);
        }
        var sb = new StringBuilder();
        var pos = 0;
        for (var done = 0; done < count; done++)
        {
            var at = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (at < 0 || old.Length == 0)
            {
                break;
            }
            sb.Append(s, pos, at - pos).Append(replacement);
            pos = at + old.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static int CountOf(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return s.Length + 1;
        }
        var n = 0;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    /// <summary>Python's str.title(): the first letter of every run of letters upper-cased, the rest lower-cased.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousIsLetter = false;
        foreach (var c in s)
        {
            sb.Append(previousIsLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsLetter = char.IsLetter(c);
        }
        return sb.ToString();
    }
}
