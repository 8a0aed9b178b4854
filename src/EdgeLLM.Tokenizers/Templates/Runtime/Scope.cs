namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>Variables visible at a point of the template; loops and macros open a child scope.</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public object? Get(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
        {
            if (s._values.TryGetValue(name, out var v))
            {
                return v;
            }
        }
        return new Undefined(name);
    }

    public void Set(string name, object? value) => _values[name] = value;

    public Scope? Parent { get; } = parent;
}
