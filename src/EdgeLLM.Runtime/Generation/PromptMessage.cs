namespace EdgeLLM.Runtime.Generation;

/// <summary>One turn of a conversation, as a transport received it (<c>system</c>, <c>user</c>, <c>assistant</c>, ...).</summary>
public sealed record PromptMessage(string Role, string Content);
