namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// Where one rollout (a model version, as devices name it on <c>ota/status</c>) stands across the devices that
/// reported on it: each device counts in exactly one of the buckets.
/// </summary>
internal sealed record RolloutSummary(string Model, string Version, int Devices, int Active, int InProgress, int Rejected, int RolledBack, int NotInRollout)
{
    /// <summary>One summary per model version, ordered by model then version, from the devices' last OTA statuses.</summary>
    public static IReadOnlyList<RolloutSummary> From(IEnumerable<FleetDevice> devices)
    {
        var summaries = new List<RolloutSummary>();
        foreach (var rollout in devices.Where(d => d.Ota is not null).GroupBy(d => (d.Ota!.Model, d.Ota.Version)))
        {
            var statuses = rollout.Select(d => d.Ota!).ToList();
            summaries.Add(new RolloutSummary(rollout.Key.Model, rollout.Key.Version, statuses.Count,
                statuses.Count(s => s.Phase == "active"),
                statuses.Count(s => s.InProgress),
                statuses.Count(s => s.Phase == "rejected" && !s.NotInRollout),
                statuses.Count(s => s.Phase == "rolled_back"),
                statuses.Count(s => s.NotInRollout)));
        }

        summaries.Sort((a, b) => (string.CompareOrdinal(a.Model, b.Model), string.CompareOrdinal(a.Version, b.Version)) switch
        {
            (0, var byVersion) => byVersion,
            var (byModel, _) => byModel,
        });
        return summaries;
    }

    /// <summary>The one-line summary the table prints under the devices.</summary>
    public override string ToString() =>
        $"rollout {Model}@{Version}: {Devices} device{(Devices == 1 ? "" : "s")}: {Active} active, {InProgress} in progress, {Rejected} rejected, "
        + $"{RolledBack} rolled back, {NotInRollout} not in the rollout percent";
}
