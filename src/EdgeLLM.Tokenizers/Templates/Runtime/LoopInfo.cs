namespace EdgeLLM.Tokenizers.Templates.Runtime;

/// <summary>The <c>loop</c> variable inside a for loop.</summary>
internal sealed class LoopInfo(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public object? Attribute(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(items.Count - Index0),
        "revindex0" => (long)(items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new Undefined("loop.previtem"),
        "nextitem" => Index0 < items.Count - 1 ? items[Index0 + 1] : new Undefined("loop.nextitem"),
        "cycle" => new Callable("loop.cycle", (args, _) => args.Count == 0 ? null : args[Index0 % args.Count]),
        _ => new Undefined($"loop.{name}"),
    };
}
