namespace EdgeLLM.Tokenizers.Templates.Parsing;

// The expression tree of the template language: a closed hierarchy of small records kept together.

internal abstract record Expr(int Line, int Column);

internal sealed record LiteralExpr(object? Value, int Line, int Column) : Expr(Line, Column);

internal sealed record NameExpr(string Name, int Line, int Column) : Expr(Line, Column);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, bool IsTuple, int Line, int Column) : Expr(Line, Column);

internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Items, int Line, int Column) : Expr(Line, Column);

internal sealed record AttributeExpr(Expr Target, string Name, int Line, int Column) : Expr(Line, Column);

internal sealed record IndexExpr(Expr Target, Expr Index, int Line, int Column) : Expr(Line, Column);

internal sealed record SliceExpr(Expr Target, Expr? Start, Expr? Stop, Expr? Step, int Line, int Column) : Expr(Line, Column);

internal sealed record CallExpr(Expr Callee, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs, int Line, int Column) : Expr(Line, Column);

internal sealed record FilterExpr(Expr Value, string Name, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs, int Line, int Column) : Expr(Line, Column);

internal sealed record TestExpr(Expr Value, string Name, bool Negated, IReadOnlyList<Expr> Args, int Line, int Column) : Expr(Line, Column);

internal sealed record UnaryExpr(string Op, Expr Operand, int Line, int Column) : Expr(Line, Column);

internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

internal sealed record ConditionalExpr(Expr Condition, Expr Then, Expr? Else, int Line, int Column) : Expr(Line, Column);
