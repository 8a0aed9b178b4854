namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// One level of a constraint's parse stack: a grammar node, where it is inside that node, and the frame it returns
/// to. Immutable, with value equality, so stacks share their tails and equal stacks are one automaton state.
/// </summary>
internal sealed record Frame(GrammarNode Node, int Phase, long A, long B, Frame? Parent);
