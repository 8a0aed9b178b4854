namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>A function a template can call: a global (<c>range</c>, <c>raise_exception</c>), a macro, or a bound method.</summary>
internal sealed class Callable(string name, Func<List<object?>, Dictionary<string, object?>, object?> body)
{
    public string Name { get; } = name;

    public object? Invoke(List<object?> args, Dictionary<string, object?> kwargs) => body(args, kwargs);
}
