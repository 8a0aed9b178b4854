namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>Another rollout under the same name is still running (its retained state says so).</summary>
internal sealed class RolloutConflictException(string message) : Exception(message);
