using System.Globalization;
using System.Text;
using EdgeLLM.Tokenizers.Templates.Parsing;

namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>Walks a parsed template and writes its output; errors carry the line and column of the node at fault.</summary>
internal sealed class Interpreter(Func<DateTime> clock)
{
    private enum Flow { Normal, Break, Continue }

    private const int MaxIterations = 1_000_000;
    private int _iterations;

    public void Render(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output)
    {
        scope.Set("range", new Callable("range", (a, _) => Range(a)));
        scope.Set("dict", new Callable("dict", (_, kw) => Values.ToDict(kw.Select(p => (p.Key, p.Value)))));
        scope.Set("namespace", new Callable("namespace", (a, kw) =>
        {
            var ns = new Namespace();
            if (a.Count > 0 && a[0] is OrderedDictionary<string, object?> init)
            {
                foreach (var (k, v) in init)
                {
                    ns.Attributes[k] = v;
                }
            }
            foreach (var (k, v) in kw)
            {
                ns.Attributes[k] = v;
            }
            return ns;
        }));
        scope.Set("strftime_now", new Callable("strftime_now", (a, _) => Strftime(clock(), a.Count > 0 ? Values.Str(a[0]) : "%Y-%m-%d")));
        Execute(nodes, scope, output);
    }

    private Flow Execute(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            var flow = Guard(node, () => ExecuteOne(node, scope, output));
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }

    private static T Guard<T>(Parsing.Node node, Func<T> action) => Guard(node.Line, node.Column, action);

    private static T Guard<T>(int line, int column, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidCastException or IndexOutOfRangeException or OverflowException or FormatException)
        {
            throw new ChatTemplateException(e.Message, line, column);
        }
    }

    private Flow ExecuteOne(Node node, Scope scope, StringBuilder output)
    {
        switch (node)
        {
            case TextNode t:
                output.Append(t.Text);
                return Flow.Normal;
            case OutputNode o:
                output.Append(Values.Str(Evaluate(o.Value, scope)));
                return Flow.Normal;
            case IfNode i:
                foreach (var (condition, body) in i.Branches)
                {
                    if (Values.Truthy(Evaluate(condition, scope)))
                    {
                        return Execute(body, scope, output);
                    }
                }
                return i.Else is null ? Flow.Normal : Execute(i.Else, scope, output);
            case ForNode f:
                return ExecuteFor(f, scope, output);
            case SetNode s:
                Assign(s, Evaluate(s.Value, scope), scope);
                return Flow.Normal;
            case SetBlockNode sb:
                var captured = new StringBuilder();
                Execute(sb.Body, scope, captured);
                scope.Set(sb.Target, captured.ToString());
                return Flow.Normal;
            case MacroNode m:
                scope.Set(m.Name, MakeMacro(m, scope));
                return Flow.Normal;
            case FilterBlockNode fb:
                var inner = new StringBuilder();
                Execute(fb.Body, scope, inner);
                output.Append(Values.Str(ApplyFilter(fb.Filter, inner.ToString(), fb.Args.Select(a => Evaluate(a, scope)).ToList(), [], scope)));
                return Flow.Normal;
            case LoopControlNode lc:
                return lc.IsBreak ? Flow.Break : Flow.Continue;
            default:
                throw new InvalidOperationException($"unknown node {node.GetType().Name}");
        }
    }

    private Flow ExecuteFor(ForNode f, Scope scope, StringBuilder output)
    {
        var items = Values.Iterate(Evaluate(f.Iterable, scope));
        var loopScope = new Scope(scope);
        if (f.Filter is not null)
        {
            items = items.Where(item =>
            {
                Bind(f.Targets, item, loopScope);
                return Values.Truthy(Evaluate(f.Filter, loopScope));
            }).ToList();
        }
        if (items.Count == 0)
        {
            return f.Else is null ? Flow.Normal : Execute(f.Else, scope, output);
        }
        var loop = new LoopInfo(items);
        loopScope.Set("loop", loop);
        for (var i = 0; i < items.Count; i++)
        {
            if (++_iterations > MaxIterations)
            {
                throw new InvalidOperationException($"more than {MaxIterations} loop iterations");
            }
            loop.Index0 = i;
            Bind(f.Targets, items[i], loopScope);
            if (Execute(f.Body, loopScope, output) == Flow.Break)
            {
                break;
            }
        }
        return Flow.Normal;
    }

    private static void Bind(IReadOnlyList<string> targets, object? value, Scope scope)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], value);
            return;
        }
        var parts = Values.Iterate(value);
        if (parts.Count != targets.Count)
        {
            throw new InvalidOperationException($"cannot unpack {parts.Count} values into {targets.Count} names");
        }
        for (var i = 0; i < targets.Count; i++)
        {
            scope.Set(targets[i], parts[i]);
        }
    }

    private static void Assign(SetNode s, object? value, Scope scope)
    {
        if (s.Attribute is { } attribute)
        {
            if (scope.Get(s.Targets[0]) is not Namespace ns)
            {
                throw new InvalidOperationException($"'{s.Targets[0]}' is not a namespace: cannot set its attribute '{attribute}'");
            }
            ns.Attributes[attribute] = value;
            return;
        }
        Bind(s.Targets, value, scope);
    }

    private Callable MakeMacro(MacroNode m, Scope defining) => new(m.Name, (args, kwargs) =>
    {
        var local = new Scope(defining);
        for (var i = 0; i < m.Parameters.Count; i++)
        {
            var (name, def) = m.Parameters[i];
            local.Set(name, i < args.Count ? args[i] : kwargs.TryGetValue(name, out var kv) ? kv : def is null ? new Undefined(name) : Evaluate(def, defining));
        }
        local.Set("varargs", args.Skip(m.Parameters.Count).ToList());
        var output = new StringBuilder();
        Execute(m.Body, local, output);
        return output.ToString();
    });

    public object? Evaluate(Expr expr, Scope scope) => Guard(expr.Line, expr.Column, () => EvaluateCore(expr, scope));

    private object? EvaluateCore(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case LiteralExpr l:
                return l.Value;
            case NameExpr n:
                return scope.Get(n.Name);
            case ListExpr list:
                return list.Items.Select(i => Evaluate(i, scope)).ToList();
            case DictExpr d:
                return Values.ToDict(d.Items.Select(p => (Values.Str(Evaluate(p.Key, scope)), Evaluate(p.Value, scope))));
            case AttributeExpr a:
                var target = Evaluate(a.Target, scope);
                return target is List<object?> && long.TryParse(a.Name, out var index) ? Methods.GetItem(target, index) : Methods.GetAttribute(target, a.Name);
            case IndexExpr ix:
                return Methods.GetItem(Evaluate(ix.Target, scope), Evaluate(ix.Index, scope));
            case SliceExpr s:
                return Methods.Slice(Evaluate(s.Target, scope), OptionalLong(s.Start, scope), OptionalLong(s.Stop, scope), OptionalLong(s.Step, scope));
            case CallExpr c:
                return Call(c, scope);
            case FilterExpr f:
                return ApplyFilter(f.Name, Evaluate(f.Value, scope), f.Args.Select(a => Evaluate(a, scope)).ToList(),
                    f.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope)), scope);
            case TestExpr t:
                var result = Tests.Apply(t.Name, Evaluate(t.Value, scope), t.Args.Select(a => Evaluate(a, scope)).ToList());
                return t.Negated ? !result : result;
            case UnaryExpr u:
                var operand = Evaluate(u.Operand, scope);
                return u.Op switch
                {
                    "not" => !Values.Truthy(operand),
                    "-" => operand is long l ? (object)(-l) : -Values.ToDouble(operand),
                    _ => operand,
                };
            case BinaryExpr b:
                if (b.Op == "and")
                {
                    var left = Evaluate(b.Left, scope);
                    return Values.Truthy(left) ? Evaluate(b.Right, scope) : left;
                }
                if (b.Op == "or")
                {
                    var left = Evaluate(b.Left, scope);
                    return Values.Truthy(left) ? left : Evaluate(b.Right, scope);
                }
                var l2 = Evaluate(b.Left, scope);
                var r2 = Evaluate(b.Right, scope);
                if ((l2 is Undefined u1 && b.Op is not ("==" or "!=" or "~" or "in" or "not in")) || (r2 is Undefined && b.Op is not ("==" or "!=" or "~")))
                {
                    throw new InvalidOperationException($"'{(l2 as Undefined ?? (Undefined)r2!).Name}' is undefined");
                }
                return Operators.Binary(b.Op, l2, r2);
            case ConditionalExpr ce:
                return Values.Truthy(Evaluate(ce.Condition, scope)) ? Evaluate(ce.Then, scope) : ce.Else is null ? new Undefined("else") : Evaluate(ce.Else, scope);
            default:
                throw new InvalidOperationException($"unknown expression {expr.GetType().Name}");
        }
    }

    private long? OptionalLong(Expr? e, Scope scope) => e is null ? null : Evaluate(e, scope) switch
    {
        null => null,
        long l => l,
        var other => throw new InvalidOperationException($"slice indices must be integers, not {Values.TypeName(other)}"),
    };

    private object? Call(CallExpr c, Scope scope)
    {
        if (c.Callee is NameExpr { Name: "raise_exception" })
        {
            var message = c.Args.Count > 0 ? Values.Str(Evaluate(c.Args[0], scope)) : "raise_exception called";
            throw new ChatTemplateException(message, c.Line, c.Column);
        }
        var callee = Evaluate(c.Callee, scope);
        var args = c.Args.Select(a => Evaluate(a, scope)).ToList();
        var kwargs = c.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope));
        return callee switch
        {
            Callable f => f.Invoke(args, kwargs),
            Undefined u => throw new InvalidOperationException($"'{u.Name}' is undefined and cannot be called"),
            _ => throw new InvalidOperationException($"{Values.TypeName(callee)} is not callable"),
        };
    }

    private static object? ApplyFilter(string name, object? value, List<object?> args, Dictionary<string, object?> kwargs, Scope scope)
    {
        switch (name)
        {
            case "map":
                var items = Values.Iterate(value);
                if (kwargs.TryGetValue("attribute", out var attribute))
                {
                    return items.Select(i => Methods.GetAttribute(i, Values.Str(attribute)) is Undefined && kwargs.TryGetValue("default", out var d) ? d : Methods.GetAttribute(i, Values.Str(attribute))).ToList();
                }
                var filter = args.Count > 0 ? Values.Str(args[0]) : throw new InvalidOperationException("map needs a filter name or attribute=");
                return items.Select(i => ApplyFilter(filter, i, args.Skip(1).ToList(), [], scope)).ToList();
            case "select" or "reject":
                var keep = name == "select";
                return Values.Iterate(value).Where(i => (args.Count == 0 ? Values.Truthy(i) : Tests.Apply(Values.Str(args[0]), i, args.Skip(1).ToList())) == keep).ToList();
            case "selectattr" or "rejectattr":
                var keepAttr = name == "selectattr";
                var attr = Values.Str(args.Count > 0 ? args[0] : throw new InvalidOperationException($"{name} needs an attribute name"));
                return Values.Iterate(value).Where(i =>
                {
                    var v = Methods.GetAttribute(i, attr);
                    return (args.Count < 2 ? Values.Truthy(v) : Tests.Apply(Values.Str(args[1]), v, args.Skip(2).ToList())) == keepAttr;
                }).ToList();
            default:
                return Filters.Apply(name, value, args, kwargs);
        }
    }

    private static List<object?> Range(List<object?> a)
    {
        long start = 0, stop, step = 1;
        switch (a.Count)
        {
            case 1: stop = (long)a[0]!; break;
            case 2: start = (long)a[0]!; stop = (long)a[1]!; break;
            case 3: start = (long)a[0]!; stop = (long)a[1]!; step = (long)a[2]!; break;
            default: throw new InvalidOperationException("range takes 1 to 3 integers");
        }
        if (step == 0)
        {
            throw new InvalidOperationException("range step cannot be zero");
        }
        var list = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (list.Count > MaxIterations)
            {
                throw new InvalidOperationException("range too large");
            }
            list.Add(i);
        }
        return list;
    }

    /// <summary>The strftime directives date-aware templates use (Llama-3.x prints "%d %b %Y").</summary>
    internal static string Strftime(DateTime t, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var noPad = format[i + 1] == '-' && i + 2 < format.Length;
            var d = format[noPad ? i + 2 : i + 1];
            i += noPad ? 2 : 1;
            string Num(int v, int width) => noPad ? v.ToString(inv) : v.ToString(inv).PadLeft(width, '0');
            sb.Append(d switch
            {
                'Y' => t.Year.ToString(inv),
                'y' => Num(t.Year % 100, 2),
                'm' => Num(t.Month, 2),
                'd' => Num(t.Day, 2),
                'e' => t.Day.ToString(inv).PadLeft(2),
                'H' => Num(t.Hour, 2),
                'I' => Num(t.Hour % 12 == 0 ? 12 : t.Hour % 12, 2),
                'M' => Num(t.Minute, 2),
                'S' => Num(t.Second, 2),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'B' => t.ToString("MMMM", inv),
                'b' or 'h' => t.ToString("MMM", inv),
                'A' => t.ToString("dddd", inv),
                'a' => t.ToString("ddd", inv),
                'j' => Num(t.DayOfYear, 3),
                '%' => "%",
                _ => "%" + d,
            });
        }
        return sb.ToString();
    }
}
