namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>A property of an <see cref="ObjectNode"/>: its key as written (quoted, escaped, with the colon) and its value.</summary>
internal sealed record ObjectProperty(string Name, byte[] Key, GrammarNode Value, bool Required);
