using System.Globalization;
using EdgeLLM.Tokenizers.Templates.Lexing;

namespace EdgeLLM.Tokenizers.Templates.Parsing;

/// <summary>Recursive-descent parser for the Jinja subset chat templates use; anything else fails with its position.</summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private int _i;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static IReadOnlyList<Node> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        var body = parser.ParseBody(out var stop);
        if (stop is not null)
        {
            throw Error($"'{stop}' without a matching opening tag", parser.Peek);
        }
        return body;
    }

    private Token Peek => _tokens[_i];

    private Token Next() => _tokens[_i++];

    private static ChatTemplateException Error(string message, Token at) => new(message, at.Line, at.Column);

    private ChatTemplateException Error(string message) => Error(message, Peek);

    private Token Expect(TokenKind kind, string? value = null)
    {
        var t = Peek;
        if (t.Kind != kind || (value is not null && t.Value != value))
        {
            throw Error($"expected {(value is null ? kind.ToString().ToLowerInvariant() : $"'{value}'")}, found {t}");
        }
        return Next();
    }

    private bool Accept(TokenKind kind, string value)
    {
        if (Peek.Is(kind, value))
        {
            _i++;
            return true;
        }
        return false;
    }

    private bool AcceptName(string name) => Accept(TokenKind.Name, name);

    private bool AcceptOp(string op) => Accept(TokenKind.Operator, op);

    /// <summary>Nodes until the end or a block tag whose keyword the caller handles (returned in <paramref name="stop"/>).</summary>
    private List<Node> ParseBody(out string? stop, params string[] stops)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var t = Peek;
            switch (t.Kind)
            {
                case TokenKind.End:
                    stop = null;
                    return nodes;
                case TokenKind.Text:
                    Next();
                    nodes.Add(new TextNode(t.Value, t.Line, t.Column));
                    break;
                case TokenKind.VariableStart:
                    Next();
                    nodes.Add(new OutputNode(ParseExpression(), t.Line, t.Column));
                    Expect(TokenKind.VariableEnd);
                    break;
                case TokenKind.BlockStart:
                    var keyword = _tokens[_i + 1];
                    if (keyword.Kind == TokenKind.Name && Array.IndexOf(stops, keyword.Value) >= 0)
                    {
                        _i += 2;
                        stop = keyword.Value;
                        return nodes;
                    }
                    if (keyword.Kind == TokenKind.Name && keyword.Value.StartsWith("end", StringComparison.Ordinal) || keyword.Is(TokenKind.Name, "elif") || keyword.Is(TokenKind.Name, "else"))
                    {
                        if (stops.Length == 0)
                        {
                            throw Error($"'{keyword.Value}' without a matching opening tag", keyword);
                        }
                        throw Error($"unexpected '{keyword.Value}', expected one of {string.Join(", ", stops.Select(s => $"'{s}'"))}", keyword);
                    }
                    Next();
                    if (ParseStatement() is { } node)
                    {
                        nodes.Add(node);
                    }
                    break;
                default:
                    throw Error($"unexpected {t}");
            }
        }
    }

    private List<Node> ParseBlockBody(string opener, Token at, out string stop, params string[] stops)
    {
        var body = ParseBody(out var s, stops);
        if (s is null)
        {
            throw Error($"'{opener}' opened here is never closed (expected {string.Join(" or ", stops.Select(x => $"'{x}'"))})", at);
        }
        stop = s;
        return body;
    }

    private Node? ParseStatement()
    {
        var keyword = Expect(TokenKind.Name);
        switch (keyword.Value)
        {
            case "if":
                return ParseIf(keyword);
            case "for":
                return ParseFor(keyword);
            case "set":
                return ParseSet(keyword);
            case "macro":
                return ParseMacro(keyword);
            case "filter":
                var name = Expect(TokenKind.Name).Value;
                var args = AcceptOp("(") ? ParseArgs(out _) : [];
                Expect(TokenKind.BlockEnd);
                var body = ParseBlockBody("filter", keyword, out _, "endfilter");
                Expect(TokenKind.BlockEnd);
                return new FilterBlockNode(name, args, body, keyword.Line, keyword.Column);
            case "break":
            case "continue":
                Expect(TokenKind.BlockEnd);
                return new LoopControlNode(keyword.Value == "break", keyword.Line, keyword.Column);
            case "generation":
                // transformers' {% generation %} only marks assistant text for training masks: render its body.
                Expect(TokenKind.BlockEnd);
                var inner = ParseBlockBody("generation", keyword, out _, "endgeneration");
                Expect(TokenKind.BlockEnd);
                return new IfNode([(new LiteralExpr(true, keyword.Line, keyword.Column), inner)], null, keyword.Line, keyword.Column);
            default:
                throw Error($"unsupported tag '{keyword.Value}'", keyword);
        }
    }

    private IfNode ParseIf(Token at)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        var condition = ParseExpression();
        Expect(TokenKind.BlockEnd);
        while (true)
        {
            var body = ParseBlockBody("if", at, out var stop, "elif", "else", "endif");
            branches.Add((condition, body));
            if (stop == "elif")
            {
                condition = ParseExpression();
                Expect(TokenKind.BlockEnd);
                continue;
            }
            Expect(TokenKind.BlockEnd);
            if (stop == "else")
            {
                var elseBody = ParseBlockBody("if", at, out _, "endif");
                Expect(TokenKind.BlockEnd);
                return new IfNode(branches, elseBody, at.Line, at.Column);
            }
            return new IfNode(branches, null, at.Line, at.Column);
        }
    }

    private ForNode ParseFor(Token at)
    {
        var targets = new List<string> { Expect(TokenKind.Name).Value };
        while (AcceptOp(","))
        {
            targets.Add(Expect(TokenKind.Name).Value);
        }
        Expect(TokenKind.Name, "in");
        var iterable = ParseOr(allowConditional: false);
        Expr? filter = null;
        if (AcceptName("if"))
        {
            filter = ParseOr(allowConditional: false);
        }
        if (AcceptName("recursive"))
        {
            throw Error("recursive loops are not supported", at);
        }
        Expect(TokenKind.BlockEnd);
        var body = ParseBlockBody("for", at, out var stop, "else", "endfor");
        Expect(TokenKind.BlockEnd);
        List<Node>? elseBody = null;
        if (stop == "else")
        {
            elseBody = ParseBlockBody("for", at, out _, "endfor");
            Expect(TokenKind.BlockEnd);
        }
        return new ForNode(targets, iterable, filter, body, elseBody, at.Line, at.Column);
    }

    private Node ParseSet(Token at)
    {
        var first = Expect(TokenKind.Name).Value;
        if (AcceptOp("."))
        {
            var attribute = Expect(TokenKind.Name).Value;
            Expect(TokenKind.Operator, "=");
            var value = ParseExpression();
            Expect(TokenKind.BlockEnd);
            return new SetNode([first], attribute, value, at.Line, at.Column);
        }
        var targets = new List<string> { first };
        while (AcceptOp(","))
        {
            targets.Add(Expect(TokenKind.Name).Value);
        }
        if (Peek.Kind == TokenKind.BlockEnd && targets.Count == 1)
        {
            Next();
            var body = ParseBlockBody("set", at, out _, "endset");
            Expect(TokenKind.BlockEnd);
            return new SetBlockNode(first, body, at.Line, at.Column);
        }
        Expect(TokenKind.Operator, "=");
        var expr = ParseTupleOrExpression();
        Expect(TokenKind.BlockEnd);
        return new SetNode(targets, null, expr, at.Line, at.Column);
    }

    private MacroNode ParseMacro(Token at)
    {
        var name = Expect(TokenKind.Name).Value;
        Expect(TokenKind.Operator, "(");
        var parameters = new List<(string, Expr?)>();
        while (!AcceptOp(")"))
        {
            var p = Expect(TokenKind.Name).Value;
            Expr? def = AcceptOp("=") ? ParseExpression() : null;
            parameters.Add((p, def));
            if (!AcceptOp(","))
            {
                Expect(TokenKind.Operator, ")");
                break;
            }
        }
        Expect(TokenKind.BlockEnd);
        var body = ParseBlockBody("macro", at, out _, "endmacro");
        Expect(TokenKind.BlockEnd);
        return new MacroNode(name, parameters, body, at.Line, at.Column);
    }

    private Expr ParseTupleOrExpression()
    {
        var first = ParseExpression();
        if (!Peek.Is(TokenKind.Operator, ","))
        {
            return first;
        }
        var items = new List<Expr> { first };
        while (AcceptOp(","))
        {
            items.Add(ParseExpression());
        }
        return new ListExpr(items, true, first.Line, first.Column);
    }

    public Expr ParseExpression() => ParseOr(allowConditional: true);

    private Expr ParseOr(bool allowConditional)
    {
        var left = ParseAnd();
        while (Peek.Is(TokenKind.Name, "or"))
        {
            var op = Next();
            left = new BinaryExpr("or", left, ParseAnd(), op.Line, op.Column);
        }
        if (allowConditional && Peek.Is(TokenKind.Name, "if"))
        {
            var at = Next();
            var condition = ParseOr(allowConditional: false);
            Expr? otherwise = AcceptName("else") ? ParseOr(allowConditional: true) : null;
            return new ConditionalExpr(condition, left, otherwise, at.Line, at.Column);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Peek.Is(TokenKind.Name, "and"))
        {
            var op = Next();
            left = new BinaryExpr("and", left, ParseNot(), op.Line, op.Column);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Peek.Is(TokenKind.Name, "not"))
        {
            var op = Next();
            return new UnaryExpr("not", ParseNot(), op.Line, op.Column);
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var left = ParseConcat();
        while (true)
        {
            var t = Peek;
            string? op = t.Kind == TokenKind.Operator && t.Value is "==" or "!=" or "<" or ">" or "<=" or ">=" ? t.Value
                : t.Is(TokenKind.Name, "in") ? "in"
                : t.Is(TokenKind.Name, "not") && _tokens[_i + 1].Is(TokenKind.Name, "in") ? "not in" : null;
            if (op is null)
            {
                return left;
            }
            _i += op == "not in" ? 2 : 1;
            left = new BinaryExpr(op, left, ParseConcat(), t.Line, t.Column);
        }
    }

    private Expr ParseConcat()
    {
        var left = ParseAdditive();
        while (Peek.Is(TokenKind.Operator, "~"))
        {
            var op = Next();
            left = new BinaryExpr("~", left, ParseAdditive(), op.Line, op.Column);
        }
        return left;
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Peek.Kind == TokenKind.Operator && Peek.Value is "+" or "-")
        {
            var op = Next();
            left = new BinaryExpr(op.Value, left, ParseMultiplicative(), op.Line, op.Column);
        }
        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Peek.Kind == TokenKind.Operator && Peek.Value is "*" or "/" or "//" or "%")
        {
            var op = Next();
            left = new BinaryExpr(op.Value, left, ParseUnary(), op.Line, op.Column);
        }
        return left;
    }

    private Expr ParseUnary()
    {
        if (Peek.Kind == TokenKind.Operator && Peek.Value is "-" or "+")
        {
            var op = Next();
            return new UnaryExpr(op.Value, ParseUnary(), op.Line, op.Column);
        }
        var value = ParsePower();
        return ParseFiltersAndTests(value);
    }

    private Expr ParsePower()
    {
        var left = ParsePostfix(ParsePrimary());
        while (Peek.Is(TokenKind.Operator, "**"))
        {
            var op = Next();
            left = new BinaryExpr("**", left, ParsePostfix(ParsePrimary()), op.Line, op.Column);
        }
        return left;
    }

    private Expr ParseFiltersAndTests(Expr value)
    {
        while (true)
        {
            if (Peek.Is(TokenKind.Operator, "|"))
            {
                var bar = Next();
                var name = Expect(TokenKind.Name).Value;
                IReadOnlyList<Expr> args = [];
                IReadOnlyList<(string, Expr)> kwargs = [];
                if (AcceptOp("("))
                {
                    args = ParseArgs(out var kw);
                    kwargs = kw;
                }
                value = new FilterExpr(value, name, args, kwargs, bar.Line, bar.Column);
                continue;
            }
            if (Peek.Is(TokenKind.Name, "is"))
            {
                var at = Next();
                var negated = AcceptName("not");
                var name = Expect(TokenKind.Name).Value;
                var args = new List<Expr>();
                if (AcceptOp("("))
                {
                    args = ParseArgs(out _);
                }
                else if (Peek.Kind is TokenKind.Integer or TokenKind.Float or TokenKind.String || Peek.Kind == TokenKind.Name && Peek.Value is not ("and" or "or" or "else" or "if" or "in" or "not" or "is"))
                {
                    args.Add(ParsePostfix(ParsePrimary()));
                }
                value = new TestExpr(value, name, negated, args, at.Line, at.Column);
                continue;
            }
            return value;
        }
    }

    private Expr ParsePostfix(Expr value)
    {
        while (true)
        {
            var t = Peek;
            if (AcceptOp("."))
            {
                var name = Peek.Kind is TokenKind.Name or TokenKind.Integer ? Next().Value : throw Error($"expected an attribute name after '.', found {Peek}");
                value = new AttributeExpr(value, name, t.Line, t.Column);
            }
            else if (AcceptOp("["))
            {
                value = ParseSubscript(value, t);
            }
            else if (AcceptOp("("))
            {
                var args = ParseArgs(out var kwargs);
                value = new CallExpr(value, args, kwargs, value.Line, value.Column);
            }
            else
            {
                return value;
            }
        }
    }

    private Expr ParseSubscript(Expr target, Token at)
    {
        Expr? start = null, stop = null, step = null;
        if (!Peek.Is(TokenKind.Operator, ":"))
        {
            start = ParseExpression();
            if (AcceptOp("]"))
            {
                return new IndexExpr(target, start, at.Line, at.Column);
            }
        }
        Expect(TokenKind.Operator, ":");
        if (!Peek.Is(TokenKind.Operator, ":") && !Peek.Is(TokenKind.Operator, "]"))
        {
            stop = ParseExpression();
        }
        if (AcceptOp(":") && !Peek.Is(TokenKind.Operator, "]"))
        {
            step = ParseExpression();
        }
        Expect(TokenKind.Operator, "]");
        return new SliceExpr(target, start, stop, step, at.Line, at.Column);
    }

    private List<Expr> ParseArgs(out List<(string, Expr)> kwargs)
    {
        var args = new List<Expr>();
        kwargs = [];
        while (!AcceptOp(")"))
        {
            if (Peek.Kind == TokenKind.Name && _tokens[_i + 1].Is(TokenKind.Operator, "="))
            {
                var name = Next().Value;
                Next();
                kwargs.Add((name, ParseExpression()));
            }
            else
            {
                args.Add(ParseExpression());
            }
            if (!AcceptOp(","))
            {
                Expect(TokenKind.Operator, ")");
                break;
            }
        }
        return args;
    }

    private Expr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.String:
                var text = t.Value;
                while (Peek.Kind == TokenKind.String)
                {
                    text += Next().Value; // adjacent literals concatenate, as in Python
                }
                return new LiteralExpr(text, t.Line, t.Column);
            case TokenKind.Integer:
                return new LiteralExpr(long.Parse(t.Value, CultureInfo.InvariantCulture), t.Line, t.Column);
            case TokenKind.Float:
                return new LiteralExpr(double.Parse(t.Value, CultureInfo.InvariantCulture), t.Line, t.Column);
            case TokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new LiteralExpr(true, t.Line, t.Column),
                    "false" or "False" => new LiteralExpr(false, t.Line, t.Column),
                    "none" or "None" => new LiteralExpr(null, t.Line, t.Column),
                    _ => new NameExpr(t.Value, t.Line, t.Column),
                };
            case TokenKind.Operator when t.Value == "(":
                if (AcceptOp(")"))
                {
                    return new ListExpr([], true, t.Line, t.Column);
                }
                var inner = ParseExpression();
                if (Peek.Is(TokenKind.Operator, ","))
                {
                    var items = new List<Expr> { inner };
                    while (AcceptOp(",") && !Peek.Is(TokenKind.Operator, ")"))
                    {
                        items.Add(ParseExpression());
                    }
                    Expect(TokenKind.Operator, ")");
                    return new ListExpr(items, true, t.Line, t.Column);
                }
                Expect(TokenKind.Operator, ")");
                return inner;
            case TokenKind.Operator when t.Value == "[":
                var list = new List<Expr>();
                while (!AcceptOp("]"))
                {
                    list.Add(ParseExpression());
                    if (!AcceptOp(","))
                    {
                        Expect(TokenKind.Operator, "]");
                        break;
                    }
                }
                return new ListExpr(list, false, t.Line, t.Column);
            case TokenKind.Operator when t.Value == "{":
                var pairs = new List<(Expr, Expr)>();
                while (!AcceptOp("}"))
                {
                    var key = ParseExpression();
                    Expect(TokenKind.Operator, ":");
                    pairs.Add((key, ParseExpression()));
                    if (!AcceptOp(","))
                    {
                        Expect(TokenKind.Operator, "}");
                        break;
                    }
                }
                return new DictExpr(pairs, t.Line, t.Column);
            default:
                throw Error($"unexpected {t} in an expression", t);
        }
    }
}
