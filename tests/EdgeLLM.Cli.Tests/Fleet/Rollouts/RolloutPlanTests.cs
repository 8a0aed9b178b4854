using System.Text.Json;
using EdgeLLM.Cli.Fleet.Rollouts;

namespace EdgeLLM.Cli.Tests.Fleet.Rollouts;

public sealed class RolloutPlanTests
{
    [Fact]
    public void A_plan_file_reads_waves_of_percents_and_device_counts_gates_timeout_and_window()
    {
        var plan = Parse("""
            {"waves": ["1%", 25, "50%", "100%"], "min_executed": 20,
             "abort": {"failed_percent": 5, "timed_out_percent": 10},
             "in_progress_timeout_seconds": 600, "start_at": "2026-12-07T03:00:00Z", "end_at": "2026-12-08T03:00:00Z"}
            """);

        Assert.Equal(["1%", "25", "50%", "100%"], plan.Waves.Select(w => w.ToString()));
        Assert.Equal(25, plan.Waves[1].Devices);
        Assert.Equal(20, plan.MinExecuted);
        Assert.Equal((5.0, (double?)null, 10.0, (double?)null), (plan.Abort.FailedPercent!.Value, plan.Abort.RejectedPercent, plan.Abort.TimedOutPercent!.Value, plan.Abort.AllPercent));
        Assert.Equal(TimeSpan.FromMinutes(10), plan.InProgressTimeout);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero), plan.StartAt);
    }

    [Fact]
    public void A_plan_written_to_the_rollout_state_reads_back_the_same()
    {
        var plan = Parse("""{"exponential": {"base_devices": 10, "factor": 3}, "min_executed": 5, "abort": {"all_percent": 12.5}}""");
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            plan.Write(writer);
        }

        var again = Parse(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        Assert.Equal(plan.Exponential, again.Exponential);
        Assert.Equal(plan.Abort, again.Abort);
        Assert.Equal((plan.MinExecuted, plan.InProgressTimeout), (again.MinExecuted, again.InProgressTimeout));
    }

    [Fact]
    public void An_exponential_rate_makes_growing_waves_that_end_with_the_whole_target()
    {
        var plan = Parse("""{"exponential": {"base_devices": 10, "factor": 2}}""");

        // 10, +20, +40, +80, then the rest: 10, 30, 70, 150, 100 %.
        Assert.Equal(["10", "30", "70", "150", "100%"], plan.WavesFor(200).Select(w => w.ToString()));
        Assert.Equal(["100%"], plan.WavesFor(5).Select(w => w.ToString()));
    }

    [Theory]
    [InlineData("""{"waves": ["10%", "5%", "100%"]}""", "wave 2 (5%) must reach further than wave 1 (10%)")]
    [InlineData("""{"waves": ["10%", "50%"]}""", "the last wave must be 100%")]
    [InlineData("""{"waves": ["0%", "100%"]}""", "from 1% to 100%")]
    [InlineData("""{"waves": ["100%"], "abort": {"failed_percent": 120}}""", "abort.failed_percent")]
    [InlineData("""{"waves": ["100%"], "min_executed": "ten"}""", "'min_executed' must be a number")]
    [InlineData("""{}""", "either 'waves' or 'exponential'")]
    public void A_bad_plan_is_refused_naming_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Parse(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_percent_wave_rounds_up_so_a_small_fleet_still_gets_a_first_device()
    {
        Assert.Equal(1, RolloutWave.Parse("1%").DeviceCount(50));
        Assert.Equal(10, RolloutWave.Parse("1%").DeviceCount(1000));
        Assert.Equal(7, RolloutWave.Parse("25").DeviceCount(7));
    }

    private static RolloutPlan Parse(string json) => RolloutPlan.Parse(JsonDocument.Parse(json).RootElement);
}
