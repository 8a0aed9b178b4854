namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>How many targeted devices stand where (<see cref="RolloutOutcome"/>); each device counts once.</summary>
internal sealed class RolloutCounts
{
    private readonly int[] _counts = new int[Enum.GetValues<RolloutOutcome>().Length];

    public int this[RolloutOutcome outcome] => _counts[(int)outcome];

    public int Targeted { get; private set; }

    /// <summary>Devices that are done, one way or the other: the gate's denominator (AWS's "executed things").</summary>
    public int Executed => this[RolloutOutcome.Succeeded] + this[RolloutOutcome.Failed] + this[RolloutOutcome.Rejected] + this[RolloutOutcome.TimedOut]
                           + this[RolloutOutcome.RolledBack];

    /// <summary>Devices not done yet.</summary>
    public int Open => this[RolloutOutcome.Pending] + this[RolloutOutcome.InProgress];

    public void Add(RolloutOutcome outcome)
    {
        _counts[(int)outcome]++;
        Targeted++;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Targeted} targeted: {this[RolloutOutcome.Succeeded]} succeeded, {this[RolloutOutcome.Failed]} failed, {this[RolloutOutcome.Rejected]} rejected, "
        + $"{this[RolloutOutcome.TimedOut]} timed out, {this[RolloutOutcome.InProgress]} in progress, {this[RolloutOutcome.Pending]} pending"
        + (this[RolloutOutcome.RolledBack] + this[RolloutOutcome.Stopped] > 0
            ? $", {this[RolloutOutcome.RolledBack]} rolled back, {this[RolloutOutcome.Stopped]} stopped"
            : "");
}
