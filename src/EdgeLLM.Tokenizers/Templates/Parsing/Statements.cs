namespace EdgeLLM.Tokenizers.Templates.Parsing;

// The statement tree of the template language: a closed hierarchy of small records kept together.

internal abstract record Node(int Line, int Column);

internal sealed record TextNode(string Text, int Line, int Column) : Node(Line, Column);

internal sealed record OutputNode(Expr Value, int Line, int Column) : Node(Line, Column);

internal sealed record IfNode(IReadOnlyList<(Expr Condition, IReadOnlyList<Node> Body)> Branches, IReadOnlyList<Node>? Else, int Line, int Column) : Node(Line, Column);

internal sealed record ForNode(IReadOnlyList<string> Targets, Expr Iterable, Expr? Filter, IReadOnlyList<Node> Body, IReadOnlyList<Node>? Else, int Line, int Column) : Node(Line, Column);

/// <summary><c>{% set a = x %}</c>, <c>{% set a, b = x %}</c> or <c>{% set ns.attr = x %}</c>.</summary>
internal sealed record SetNode(IReadOnlyList<string> Targets, string? Attribute, Expr Value, int Line, int Column) : Node(Line, Column);

internal sealed record SetBlockNode(string Target, IReadOnlyList<Node> Body, int Line, int Column) : Node(Line, Column);

internal sealed record MacroNode(string Name, IReadOnlyList<(string Name, Expr? Default)> Parameters, IReadOnlyList<Node> Body, int Line, int Column) : Node(Line, Column);

internal sealed record FilterBlockNode(string Filter, IReadOnlyList<Expr> Args, IReadOnlyList<Node> Body, int Line, int Column) : Node(Line, Column);

internal sealed record LoopControlNode(bool IsBreak, int Line, int Column) : Node(Line, Column);
