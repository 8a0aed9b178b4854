using EdgeLLM.Ota.Device;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// Where a rollout stands at one moment: which devices its started waves reach (by the rollout hash, as the devices
/// decide themselves) and what each of them reported, per wave and in total. A pure function of the rollout's state,
/// the fleet's retained statuses and the clock, so it is computed afresh after every change and after a restart.
/// </summary>
internal sealed class RolloutProgress
{
    /// <summary>Refusals before trying: the device did not take the job (AWS's REJECTED), as opposed to failing it.</summary>
    private static readonly HashSet<string> RefusalCodes = new(StringComparer.Ordinal)
    {
        "invalid_manifest", "bad_signature", "runtime_too_old", "downgrade_refused", "version_conflict", "previously_rolled_back", "bundle_too_large",
    };

    /// <summary>Buckets by (device, seed): the same every time, and asked for each device after every status change.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Id, string Seed), int> Buckets = new();

    private RolloutProgress(int population, IReadOnlyList<RolloutCounts> waves, RolloutCounts total, IReadOnlyDictionary<string, RolloutOutcome> devices)
    {
        Population = population;
        Waves = waves;
        Total = total;
        Devices = devices;
    }

    /// <summary>How many devices the whole rollout targets (its 100 %).</summary>
    public int Population { get; }

    /// <summary>The devices each started wave added, by wave.</summary>
    public IReadOnlyList<RolloutCounts> Waves { get; }

    /// <summary>Every device of the started waves.</summary>
    public RolloutCounts Total { get; }

    /// <summary>Each targeted device's outcome.</summary>
    public IReadOnlyDictionary<string, RolloutOutcome> Devices { get; }

    /// <summary>True when every device of the started waves is done.</summary>
    public bool WavesDone => Total.Open == 0;

    /// <summary>The target's devices as the broker knows them, first to last in rollout order.</summary>
    public static IReadOnlyList<(string Id, int Bucket)> Target(RolloutState state, FleetView view)
    {
        IEnumerable<string> ids = state.DeviceList
            ?? view.Devices.Where(d => d.Group == state.Group
                                       || d.Group is null && d.Ota is { } ota && ota.Model == state.Model && ota.Version == state.Version)
                .Select(d => d.Id);
        return [.. ids.Select(id => (Id: id, Bucket: Buckets.GetOrAdd((id, state.Seed), static key => RolloutSelector.Bucket(key.Id, key.Seed))))
            .OrderBy(d => d.Bucket).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>The manifest percent that reaches at least <paramref name="devices"/> of the ordered target (a group's wave of N devices).</summary>
    public static int PercentReaching(IReadOnlyList<(string Id, int Bucket)> target, int devices) =>
        devices <= 0 ? 0 : devices >= target.Count ? 100 : target[devices - 1].Bucket + 1;

    public static RolloutProgress Compute(RolloutState state, FleetView view, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(view);
        var target = Target(state, view);
        var byId = view.Devices.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var waves = state.Waves.Select(_ => new RolloutCounts()).ToList();
        var total = new RolloutCounts();
        var outcomes = new Dictionary<string, RolloutOutcome>(StringComparer.Ordinal);
        for (var position = 0; position < target.Count; position++)
        {
            var (id, bucket) = target[position];
            var wave = FirstWave(state, position, bucket);
            if (wave is null)
            {
                continue;
            }

            var outcome = Classify(byId.GetValueOrDefault(id), state, wave.StartedAt + state.Plan.InProgressTimeout, now);
            waves[wave.Index].Add(outcome);
            total.Add(outcome);
            outcomes[id] = outcome;
        }

        return new RolloutProgress(target.Count, waves, total, outcomes);
    }

    /// <summary>The earliest deadline still ahead among devices that are not done, for the next timer.</summary>
    public static DateTimeOffset? NextDeadline(RolloutState state, RolloutProgress progress, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        for (var i = 0; i < state.Waves.Count; i++)
        {
            var deadline = state.Waves[i].StartedAt + state.Plan.InProgressTimeout;
            if (deadline > now && progress.Waves[i].Open > 0 && (next is null || deadline < next))
            {
                next = deadline;
            }
        }

        return next;
    }

    /// <summary>The first started wave that reaches the device at <paramref name="position"/> (bucket <paramref name="bucket"/>), or null.</summary>
    private static RolloutStartedWave? FirstWave(RolloutState state, int position, int bucket)
    {
        foreach (var wave in state.Waves)
        {
            // A group's wave is its manifest percent (the devices decide by bucket); a list's wave is a count.
            if (state.Group is not null ? bucket < wave.Percent : position < wave.Devices)
            {
                return wave;
            }
        }

        return null;
    }

    private static RolloutOutcome Classify(FleetDevice? device, RolloutState state, DateTimeOffset deadline, DateTimeOffset now)
    {
        var late = now >= deadline;
        if (device?.Ota is not { } ota || ota.Model != state.Model || ota.Version != state.Version)
        {
            return late ? RolloutOutcome.TimedOut : RolloutOutcome.Pending;
        }

        var code = ota.ErrorCode;
        return ota.Phase switch
        {
            "active" => RolloutOutcome.Succeeded,
            "rolled_back" => code == "rollout_aborted" ? RolloutOutcome.RolledBack : RolloutOutcome.Failed,
            "rejected" when code == "not_in_rollout" => late ? RolloutOutcome.TimedOut : RolloutOutcome.Pending,
            "rejected" when code == "rollout_aborted" => RolloutOutcome.Stopped,
            "rejected" when code is not null && RefusalCodes.Contains(code) => RolloutOutcome.Rejected,
            "rejected" => RolloutOutcome.Failed,
            _ => late ? RolloutOutcome.TimedOut : RolloutOutcome.InProgress,
        };
    }
}
