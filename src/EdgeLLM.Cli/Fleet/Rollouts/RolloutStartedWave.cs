namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>A wave that has started, as the rollout's retained state keeps it.</summary>
/// <param name="Index">0 for the first wave.</param>
/// <param name="Wave">The plan's wave (<c>10%</c>, <c>25</c>).</param>
/// <param name="Percent">For a group: the manifest's <c>rollout.percent</c> that reaches the wave's devices.</param>
/// <param name="Devices">How many devices the wave reaches, cumulatively, as counted when it started.</param>
/// <param name="StartedAt">When its manifest was published; its devices' in-progress timeout counts from here.</param>
internal sealed record RolloutStartedWave(int Index, string Wave, int Percent, int Devices, DateTimeOffset StartedAt);
