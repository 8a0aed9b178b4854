namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>What <see cref="RolloutRunner"/> tells its operator, as it happens.</summary>
internal interface IRolloutReporter
{
    /// <summary>The rollout began, or (<paramref name="resumed"/>) a restarted tool took up a running one from its retained state.</summary>
    void Started(RolloutState state, RolloutProgress progress, bool resumed);

    void WaveStarted(RolloutState state, RolloutStartedWave wave, RolloutProgress progress);

    /// <summary>The devices' statuses changed (called often; a reporter decides what to show).</summary>
    void Progress(RolloutState state, RolloutProgress progress);

    /// <summary>Completed, aborted (after the switched devices rolled back, or the wait for them ended) or expired.</summary>
    void Finished(RolloutState state, RolloutProgress progress);
}
