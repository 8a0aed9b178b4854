namespace EdgeLLM.Runtime.Constraints;

/// <summary>
/// A constraint that cannot be enforced: a schema keyword EdgeLLM does not support, a malformed schema or pattern,
/// a schema with no finite instance. <see cref="Keyword"/> and <see cref="Path"/> (a JSON pointer into the schema)
/// name the offending place; transports answer it as <c>bad_request</c>.
/// </summary>
public sealed class ConstraintException : Exception
{
    public ConstraintException(string message, string? keyword = null, string? path = null, Exception? inner = null)
        : base(message, inner)
    {
        Keyword = keyword;
        Path = path;
    }

    /// <summary>The schema keyword at fault, when one is.</summary>
    public string? Keyword { get; }

    /// <summary>Where in the schema, as a JSON pointer (<c>#/properties/zone</c>).</summary>
    public string? Path { get; }
}
