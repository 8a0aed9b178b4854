namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>Builds the grammar of any JSON value, nested at most a given depth (the pushdown a schema-less answer needs).</summary>
internal static class FreeJson
{
    public const int DefaultDepth = 8;

    /// <summary>Any value: objects and arrays down to <paramref name="depth"/> levels, then scalars only.</summary>
    public static GrammarNode Value(int depth)
    {
        var scalars = new List<GrammarNode>
        {
            new NumberNode(integer: false, null, null),
            new StringNode(0, int.MaxValue),
            new LiteralNode("true"u8.ToArray()),
            new LiteralNode("false"u8.ToArray()),
            new LiteralNode("null"u8.ToArray()),
        };
        GrammarNode level = Choice(scalars);
        for (var d = 1; d <= depth; d++)
        {
            var inner = level;
            var alternatives = new List<GrammarNode>(scalars) { new FreeObjectNode(inner), Array(inner) };
            level = Choice(alternatives);
        }
        return level;
    }

    /// <summary>Any object (<c>json_object</c>).</summary>
    public static GrammarNode Object(int depth) => new FreeObjectNode(Value(depth - 1));

    /// <summary>Any array.</summary>
    public static GrammarNode Array(GrammarNode items)
    {
        var node = new ArrayNode(items, 0, int.MaxValue);
        node.UpdateMinBytes();
        return node;
    }

    private static ChoiceNode Choice(List<GrammarNode> alternatives)
    {
        var node = new ChoiceNode(alternatives);
        node.UpdateMinBytes();
        return node;
    }
}
