namespace EdgeLLM.Runtime.Constraints;

/// <summary>
/// What a constrained answer must be, as the request gave it. The raw schema or pattern is kept as text so that any
/// executor can map it (EdgeLLM's own compiles it into a byte automaton; another could hand it to its own grammar
/// engine). JSON answers are compact unless <see cref="Whitespace"/> says otherwise: insignificant whitespace only
/// spends tokens.
/// </summary>
public sealed record OutputConstraint
{
    public required ConstraintKind Kind { get; init; }

    /// <summary>The JSON Schema as JSON text (<see cref="ConstraintKind.JsonSchema"/>).</summary>
    public string? Schema { get; init; }

    /// <summary>The regular expression (<see cref="ConstraintKind.Regex"/>), matched against the whole answer.</summary>
    public string? Pattern { get; init; }

    /// <summary>The schema's name (OpenAI's <c>json_schema.name</c>), for logs and errors.</summary>
    public string? Name { get; init; }

    /// <summary>Whether a JSON answer may carry insignificant whitespace (ignored for <see cref="ConstraintKind.Regex"/>).</summary>
    public JsonWhitespace Whitespace { get; init; }

    /// <summary>A key identifying equal constraints, so compiled automata and their masks are shared between requests.</summary>
    public string CacheKey => $"{Kind}|{Whitespace}|{Schema}|{Pattern}";

    /// <summary>Any JSON object.</summary>
    public static OutputConstraint JsonObject { get; } = new() { Kind = ConstraintKind.JsonObject };

    /// <summary>A JSON Schema given as text.</summary>
    public static OutputConstraint ForSchema(string schema, string? name = null) => new() { Kind = ConstraintKind.JsonSchema, Schema = schema, Name = name };
}
