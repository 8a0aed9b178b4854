namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>Binary and unary operators with Python semantics.</summary>
internal static class Operators
{
    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        List<object?> list => list.Any(x => Values.Equals(x, item)),
        OrderedDictionary<string, object?> dict => item is string k && dict.ContainsKey(k),
        Namespace ns => item is string n && ns.Attributes.ContainsKey(n),
        null or Undefined => false,
        _ => throw new InvalidOperationException($"'in' needs a string, list or dict, not {Values.TypeName(container)}"),
    };

    public static object? Binary(string op, object? a, object? b) => op switch
    {
        "+" => Add(a, b),
        "-" => Arithmetic(a, b, (x, y) => x - y, (x, y) => x - y, op),
        "*" => Multiply(a, b),
        "/" => Values.ToDouble(Number(a, op)) / Values.ToDouble(Number(b, op)),
        "//" => FloorDivide(a, b),
        "%" => Modulo(a, b),
        "**" => Arithmetic(a, b, (x, y) => y >= 0 ? (long)Math.Pow(x, y) : throw new InvalidOperationException("negative integer power"), Math.Pow, op),
        "~" => Values.Str(a) + Values.Str(b),
        "==" => Values.Equals(a, b),
        "!=" => !Values.Equals(a, b),
        "<" => Values.Compare(a, b) < 0,
        ">" => Values.Compare(a, b) > 0,
        "<=" => Values.Compare(a, b) <= 0,
        ">=" => Values.Compare(a, b) >= 0,
        "in" => Contains(b, a),
        "not in" => !Contains(b, a),
        _ => throw new InvalidOperationException($"unknown operator '{op}'"),
    };

    private static object Number(object? v, string op) =>
        Values.IsNumber(v) ? v! : throw new InvalidOperationException($"unsupported operand type for {op}: {Values.TypeName(v)}");

    private static object? Add(object? a, object? b) => (a, b) switch
    {
        (string x, string y) => x + y,
        (List<object?> x, List<object?> y) => x.Concat(y).ToList(),
        _ when Values.IsNumber(a) && Values.IsNumber(b) => Arithmetic(a, b, (x, y) => x + y, (x, y) => x + y, "+"),
        _ => throw new InvalidOperationException($"cannot add {Values.TypeName(a)} and {Values.TypeName(b)}"),
    };

    private static object? Multiply(object? a, object? b) => (a, b) switch
    {
        (string s, long n) => string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n))),
        (long n, string s) => string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n))),
        (List<object?> l, long n) => Enumerable.Repeat(l, (int)Math.Max(0, n)).SelectMany(x => x).ToList(),
        _ => Arithmetic(a, b, (x, y) => x * y, (x, y) => x * y, "*"),
    };

    private static object FloorDivide(object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            return y == 0 ? throw new InvalidOperationException("integer division by zero") : (long)Math.Floor((double)x / y);
        }
        return Math.Floor(Values.ToDouble(Number(a, "//")) / Values.ToDouble(Number(b, "//")));
    }

    private static object Modulo(object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            return y == 0 ? throw new InvalidOperationException("modulo by zero") : ((x % y) + y) % y;
        }
        var dx = Values.ToDouble(Number(a, "%"));
        var dy = Values.ToDouble(Number(b, "%"));
        return dx - dy * Math.Floor(dx / dy);
    }

    private static object Arithmetic(object? a, object? b, Func<long, long, long> integer, Func<double, double, double> real, string op)
    {
        Number(a, op);
        Number(b, op);
        return a is double || b is double ? (object)real(Values.ToDouble(a), Values.ToDouble(b)) : integer((long)Values.ToDouble(a), (long)Values.ToDouble(b));
    }
}
