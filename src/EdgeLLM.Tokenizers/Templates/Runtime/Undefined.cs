namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>jinja2's default Undefined: renders empty, is falsy, iterates as empty; using it further is an error.</summary>
internal sealed class Undefined(string name)
{
    public string Name { get; } = name;

    public override string ToString() => "";
}
