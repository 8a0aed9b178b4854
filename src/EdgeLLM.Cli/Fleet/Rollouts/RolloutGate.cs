using System.Globalization;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// The abort gate: once at least <see cref="RolloutPlan.MinExecuted"/> targeted devices have executed, the rollout is
/// aborted when the share of them that failed, refused or timed out (each, or all together) reaches its threshold.
/// Fewer executed devices never abort: one failure among the first three is noise, not a verdict.
/// </summary>
internal static class RolloutGate
{
    /// <summary>Why the rollout must be aborted, or null when the gate passes (or does not count yet).</summary>
    public static string? Check(RolloutCounts counts, RolloutPlan plan)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(plan);
        var executed = counts.Executed;
        if (executed < plan.MinExecuted)
        {
            return null;
        }

        var failed = counts[RolloutOutcome.Failed] + counts[RolloutOutcome.RolledBack];
        var rejected = counts[RolloutOutcome.Rejected];
        var timedOut = counts[RolloutOutcome.TimedOut];
        return Over("failed", failed, executed, plan.Abort.FailedPercent)
               ?? Over("rejected", rejected, executed, plan.Abort.RejectedPercent)
               ?? Over("timed out", timedOut, executed, plan.Abort.TimedOutPercent)
               ?? Over("failed, rejected or timed out", failed + rejected + timedOut, executed, plan.Abort.AllPercent);
    }

    private static string? Over(string what, int count, int executed, double? threshold)
    {
        if (threshold is not { } limit || count == 0)
        {
            return null;
        }

        var percent = 100.0 * count / executed;
        return percent >= limit
            ? string.Create(CultureInfo.InvariantCulture, $"{count} of {executed} executed devices {what} ({percent:0.#}%), at or above the plan's {limit:0.##}%")
            : null;
    }
}
