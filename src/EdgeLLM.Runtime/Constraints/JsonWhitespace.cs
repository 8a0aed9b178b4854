namespace EdgeLLM.Runtime.Constraints;

/// <summary>Whether a JSON answer may carry insignificant whitespace between its tokens.</summary>
public enum JsonWhitespace
{
    /// <summary>None: whitespace only spends tokens (the default).</summary>
    Compact,

    /// <summary>
    /// Spaces, tabs and line breaks where JSON allows them (around <c>{ } [ ] : ,</c> and between values), in runs of
    /// at most <see cref="Grammar.WhitespaceNode.MaxRun"/> bytes, never before or after the whole value. The answer is
    /// still always complete: whitespace is never part of the shortest completion and each whitespace token is
    /// counted against the budget like any other.
    /// </summary>
    Flexible,
}
