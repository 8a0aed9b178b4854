namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>The <c>is</c> tests: <c>x is defined</c>, <c>n is odd</c>, <c>s is string</c>, ...</summary>
internal static class Tests
{
    public static bool Apply(string name, object? v, List<object?> args) => name switch
    {
        "defined" => v is not Undefined,
        "undefined" => v is Undefined,
        "none" => v is null,
        "string" => v is string,
        "mapping" => v is OrderedDictionary<string, object?> or Namespace,
        "iterable" => v is string or List<object?> or OrderedDictionary<string, object?>,
        "sequence" => v is string or List<object?> or OrderedDictionary<string, object?>,
        "number" => v is long or double,
        "integer" => v is long,
        "float" => v is double,
        "boolean" => v is bool,
        "true" => v is true,
        "false" => v is false,
        "callable" => v is Callable,
        "odd" => v is long l && l % 2 != 0,
        "even" => v is long e && e % 2 == 0,
        "divisibleby" => v is long a && args.Count == 1 && args[0] is long b && b != 0 && a % b == 0,
        "lower" => v is string s && s.Equals(s.ToLowerInvariant(), StringComparison.Ordinal),
        "upper" => v is string u && u.Equals(u.ToUpperInvariant(), StringComparison.Ordinal),
        "eq" or "equalto" or "==" => Values.Equals(v, Arg(args, name)),
        "ne" or "!=" => !Values.Equals(v, Arg(args, name)),
        "lt" or "lessthan" or "<" => Values.Compare(v, Arg(args, name)) < 0,
        "le" or "<=" => Values.Compare(v, Arg(args, name)) <= 0,
        "gt" or "greaterthan" or ">" => Values.Compare(v, Arg(args, name)) > 0,
        "ge" or ">=" => Values.Compare(v, Arg(args, name)) >= 0,
        "in" => Operators.Contains(Arg(args, name), v),
        "sameas" => ReferenceEquals(v, Arg(args, name)) || (v is null && Arg(args, name) is null) || Equals(v, Arg(args, name)),
        _ => throw new InvalidOperationException($"unknown test '{name}'"),
    };

    private static object? Arg(List<object?> args, string test) =>
        args.Count > 0 ? args[0] : throw new InvalidOperationException($"test '{test}' needs an argument");
}
