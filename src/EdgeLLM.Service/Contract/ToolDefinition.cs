namespace EdgeLLM.Service.Contract;

/// <summary>A function a request offers the model (OpenAI's <c>tools[].function</c>); <see cref="Parameters"/> is its JSON Schema as text.</summary>
public sealed record ToolDefinition(string Name, string? Description, string Parameters);
