namespace EdgeLLM.Service.Contract;

/// <summary>
/// The tools of a request and which of them the answer must call: a call of one of <see cref="Tools"/>, or of
/// <see cref="Forced"/> alone when <c>tool_choice</c> named it. <c>"auto"</c> is served as <c>"required"</c>: a small
/// model on a device is not trusted to decide between prose and an actuator call, so a request that offers tools gets
/// a call (send <c>tool_choice: "none"</c> for prose).
/// </summary>
public sealed record ToolChoice(IReadOnlyList<ToolDefinition> Tools, string? Forced)
{
    /// <summary>The tools the answer may call.</summary>
    public IEnumerable<ToolDefinition> Callable => Forced is null ? Tools : Tools.Where(t => t.Name == Forced);
}
