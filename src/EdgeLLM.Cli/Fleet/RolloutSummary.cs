namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// Where one rollout (a model version, as devices name it on <c>ota/status</c>) stands across the devices that
/// reported on it: each device counts in exactly one of the buckets.
/// </summary>
internal sealed record RolloutSummary
{
    public required string Model { get; init; }

    public required string Version { get; init; }

    public required int Devices { get; init; }

    public required int Active { get; init; }

    public required int InProgress { get; init; }

    public required int Rejected { get; init; }

    public required int RolledBack { get; init; }

    public required int NotInRollout { get; init; }

    /// <summary>One summary per model version, ordered by model then version, from the devices' last OTA statuses.</summary>
    public static IReadOnlyList<RolloutSummary> From(IEnumerable<FleetDevice> devices)
    {
        var summaries = new List<RolloutSummary>();
        foreach (var rollout in devices.Where(d => d.Ota is not null).GroupBy(d => (d.Ota!.Model, d.Ota.Version)))
        {
            var statuses = rollout.Select(d => d.Ota!).ToList();
            summaries.Add(new RolloutSummary
            {
                Model = rollout.Key.Model,
                Version = rollout.Key.Version,
                Devices = statuses.Count,
                Active = statuses.Count(s => s.Phase == "active"),
                InProgress = statuses.Count(s => s.InProgress),
                Rejected = statuses.Count(s => s.Phase == "rejected" && !s.NotInRollout),
                RolledBack = statuses.Count(s => s.Phase == "rolled_back"),
                NotInRollout = statuses.Count(s => s.NotInRollout),
            });
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
