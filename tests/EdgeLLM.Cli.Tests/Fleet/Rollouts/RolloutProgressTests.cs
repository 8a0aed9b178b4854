using System.Text;
using EdgeLLM.Cli.Fleet;
using EdgeLLM.Cli.Fleet.Rollouts;
using EdgeLLM.Ota.Device;

namespace EdgeLLM.Cli.Tests.Fleet.Rollouts;

/// <summary>How the retained statuses of a group's devices become a rollout's counts, and when the gate aborts.</summary>
public sealed class RolloutProgressTests
{
    private const string Seed = "unit";
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);
    private readonly FleetTopics _topics = new("edgellm");
    private readonly FleetView _view;

    public RolloutProgressTests() => _view = new FleetView(_topics);

    [Fact]
    public void Each_device_of_a_started_wave_counts_once_by_what_it_reported_and_devices_beyond_the_waves_not_at_all()
    {
        var ids = Devices(40);
        var inWave = ids.Where(id => RolloutSelector.Bucket(id, Seed) < 50).ToList();
        Assert.True(inWave.Count >= 6);
        Report(inWave[0], "active", null);
        Report(inWave[1], "rejected", "smoke_test_failed");
        Report(inWave[2], "rejected", "bad_signature");
        Report(inWave[3], "downloading", null);
        Report(inWave[4], "rejected", "not_in_rollout"); // the answer to a narrower wave: not yet asked again
        Report(inWave[5], "rolled_back", "not_confirmed");

        var progress = RolloutProgress.Compute(State(50), _view, Start.AddMinutes(1));

        Assert.Equal(40, progress.Population);
        Assert.Equal(inWave.Count, progress.Total.Targeted);
        Assert.Equal((1, 2, 1, 1), (progress.Total[RolloutOutcome.Succeeded], progress.Total[RolloutOutcome.Failed], progress.Total[RolloutOutcome.Rejected],
            progress.Total[RolloutOutcome.InProgress]));
        Assert.Equal(inWave.Count - 5, progress.Total[RolloutOutcome.Pending]);
        Assert.False(progress.WavesDone);
    }

    [Fact]
    public void A_device_that_has_not_finished_within_the_in_progress_timeout_of_its_wave_counts_as_timed_out()
    {
        var ids = Devices(20);
        var first = ids.First(id => RolloutSelector.Bucket(id, Seed) < 100);
        Report(first, "testing", null);

        var before = RolloutProgress.Compute(State(100), _view, Start.AddMinutes(9));
        var after = RolloutProgress.Compute(State(100), _view, Start.AddMinutes(10));

        Assert.Equal(0, before.Total[RolloutOutcome.TimedOut]);
        Assert.Equal(Start.AddMinutes(10), RolloutProgress.NextDeadline(State(100), before, Start.AddMinutes(9)));
        Assert.Equal(20, after.Total[RolloutOutcome.TimedOut]);
        Assert.True(after.WavesDone);
    }

    [Fact]
    public void The_gate_does_not_count_below_its_minimum_and_aborts_at_the_threshold_once_it_does()
    {
        var plan = new RolloutPlan { Waves = [RolloutWave.Parse("100%")], MinExecuted = 10, Abort = new RolloutAbortCriteria(10, null, null, null) };
        var few = Counts((RolloutOutcome.Failed, 5), (RolloutOutcome.Succeeded, 4));
        var enough = Counts((RolloutOutcome.Failed, 1), (RolloutOutcome.Succeeded, 9), (RolloutOutcome.InProgress, 50));
        var under = Counts((RolloutOutcome.Failed, 1), (RolloutOutcome.Succeeded, 10));

        Assert.Null(RolloutGate.Check(few, plan));
        Assert.Equal("1 of 10 executed devices failed (10%), at or above the plan's 10%", RolloutGate.Check(enough, plan));
        Assert.Null(RolloutGate.Check(under, plan));
    }

    [Fact]
    public void A_group_wave_of_a_device_count_gets_the_smallest_percent_that_reaches_that_many()
    {
        var target = RolloutProgress.Target(State(0), Fill(Devices(300)));

        var percent = RolloutProgress.PercentReaching(target, 30);

        Assert.True(target.Count(d => d.Bucket < percent) >= 30);
        Assert.True(target.Count(d => d.Bucket < percent - 1) < 30);
    }

    private FleetView Fill(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            Apply($"edgellm/{id}/status", """{"state":"online","model":"m","model_version":"1","ota_group":"g"}""");
        }

        return _view;
    }

    private List<string> Devices(int count)
    {
        var ids = Enumerable.Range(1, count).Select(i => $"dev-{i:000}").ToList();
        Fill(ids);
        // A device of another group is not part of the target.
        Apply("edgellm/other-1/status", """{"state":"online","model":"m","model_version":"1","ota_group":"elsewhere"}""");
        return ids;
    }

    private void Report(string id, string phase, string? code) =>
        Apply($"edgellm/{id}/ota/status", $$"""{"model":"m","version":"2","phase":"{{phase}}","progress":0,"error":{{(code is null ? "null" : $"\"{code}: x\"")}},"code":{{(code is null ? "null" : $"\"{code}\"")}}}""");

    private void Apply(string topic, string json) => _view.Apply(new FleetMessage(topic, Encoding.UTF8.GetBytes(json), true, Start));

    private static RolloutState State(int percent) => new()
    {
        Name = "g",
        Model = "m",
        Version = "2",
        Sha256 = new string('a', 64),
        Seed = Seed,
        Group = "g",
        Plan = new RolloutPlan { Waves = [RolloutWave.Parse("100%")], InProgressTimeout = TimeSpan.FromMinutes(10) },
        Waves = percent == 0 ? [] : [new RolloutStartedWave(0, $"{percent}%", percent, 0, Start)],
        CreatedAt = Start,
    };

    private static RolloutCounts Counts(params (RolloutOutcome Outcome, int Count)[] counts)
    {
        var result = new RolloutCounts();
        foreach (var (outcome, count) in counts)
        {
            for (var i = 0; i < count; i++)
            {
                result.Add(outcome);
            }
        }

        return result;
    }
}
