namespace EdgeLLM.Runtime.Models;

/// <summary>One execution provider tried while loading a model: whether it was taken and, if not, why.</summary>
public sealed record ProviderAttempt(string Provider, bool Chosen, string? Reason);
