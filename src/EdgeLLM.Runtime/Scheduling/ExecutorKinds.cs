namespace EdgeLLM.Runtime.Scheduling;

/// <summary>The configuration spelling of <see cref="ExecutorKind"/>: <c>edgellm</c> and <c>genai</c>.</summary>
public static class ExecutorKinds
{
    public static string ToName(ExecutorKind kind) => kind == ExecutorKind.GenAi ? "genai" : "edgellm";

    /// <summary>Reads a configured name, case-insensitively; false for anything else.</summary>
    public static bool TryParse(string? name, out ExecutorKind kind)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "edgellm":
                kind = ExecutorKind.EdgeLLM;
                return true;
            case "genai":
                kind = ExecutorKind.GenAi;
                return true;
            default:
                kind = ExecutorKind.EdgeLLM;
                return false;
        }
    }
}
