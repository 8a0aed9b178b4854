namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// When a rollout is aborted (AWS IoT Jobs' <c>abortConfig</c>): the share of executed devices, in percent, that failed,
/// refused, timed out, or any of the three, at or above which the gate fails. Null: that kind never aborts.
/// </summary>
internal sealed record RolloutAbortCriteria(double? FailedPercent, double? RejectedPercent, double? TimedOutPercent, double? AllPercent)
{
    /// <exception cref="FormatException">A threshold outside 0–100.</exception>
    public void Validate()
    {
        foreach (var (name, value) in new[] { ("failed_percent", FailedPercent), ("rejected_percent", RejectedPercent), ("timed_out_percent", TimedOutPercent), ("all_percent", AllPercent) })
        {
            if (value is { } v && (v is < 0 or > 100 || double.IsNaN(v)))
            {
                throw new FormatException($"plan 'abort.{name}' must be a percent from 0 to 100");
            }
        }
    }
}
