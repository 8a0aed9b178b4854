namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>jinja2's <c>namespace()</c>: attributes that <c>{% set ns.x = ... %}</c> may change from inside loops.</summary>
internal sealed class Namespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
