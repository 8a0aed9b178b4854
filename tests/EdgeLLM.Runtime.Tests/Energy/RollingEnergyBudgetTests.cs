using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Tests.Energy;

public class RollingEnergyBudgetTests
{
    // An estimate with no idle draw: exactly 100 J per busy second, so the test decides every joule.
    private readonly ManualTimeProvider _time = new();
    private readonly EstimatedEnergyMeter _meter;

    public RollingEnergyBudgetTests()
    {
        _meter = new EstimatedEnergyMeter(0, 100, _time);
    }

    private static GenerationRequest Request(RequestPriority priority = RequestPriority.Normal) => new() { Id = "r", Prompt = "hi", Priority = priority };

    private void Spend(double joules, TimeSpan over)
    {
        _time.Advance(over);
        _meter.RecordBusy(TimeSpan.FromSeconds(joules / 100));
    }

    [Fact]
    public void Requests_pass_until_the_window_holds_the_limit_then_get_over_budget_with_used_limit_and_when()
    {
        var budget = new RollingEnergyBudget(_meter, 1000, exemptHighPriority: true, _time);
        Spend(600, TimeSpan.FromMinutes(1));
        Assert.Null(budget.Refuse(Request()));
        Assert.Equal(400, budget.RemainingJ, 6);
        Spend(600, TimeSpan.FromMinutes(1));
        var refused = budget.Refuse(Request());
        Assert.NotNull(refused);
        Assert.Equal(GenerationErrorCode.OverBudget, refused.Code);
        Assert.Equal("over_budget", refused.WireCode);
        Assert.Contains("1200 J used of 1000 J in the last 60 min", refused.Message);
        // The first minute's 600 J (00:00-00:01) leave the window once they are wholly an hour old: at 01:01.
        Assert.Contains("frees up in about 59 min (at 2026-01-01T01:01:00Z)", refused.Message);
        Assert.Equal(0, budget.RemainingJ);
    }

    [Fact]
    public void High_priority_passes_a_spent_budget_only_when_exempt()
    {
        var exempt = new RollingEnergyBudget(_meter, 100, exemptHighPriority: true, _time);
        var strict = new RollingEnergyBudget(_meter, 100, exemptHighPriority: false, _time);
        Spend(500, TimeSpan.FromSeconds(30));
        Assert.Null(exempt.Refuse(Request(RequestPriority.High)));
        Assert.NotNull(exempt.Refuse(Request()));
        Assert.NotNull(strict.Refuse(Request(RequestPriority.High)));
    }

    [Fact]
    public void Energy_leaves_the_window_an_hour_later_and_requests_pass_again()
    {
        var budget = new RollingEnergyBudget(_meter, 1000, time: _time);
        Spend(1500, TimeSpan.FromMinutes(1));
        Assert.NotNull(budget.Refuse(Request()));
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(budget.Refuse(Request()));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(budget.Refuse(Request()));
        Assert.Equal(1000, budget.RemainingJ, 6);
    }

    [Fact]
    public void Energy_read_after_a_quiet_spell_is_spread_over_the_minutes_it_took()
    {
        var budget = new RollingEnergyBudget(_meter, 1000, time: _time);
        // 1200 J over 30 minutes, noticed only at the end: half of it is older than 15 minutes.
        Spend(1200, TimeSpan.FromMinutes(30));
        Assert.NotNull(budget.Refuse(Request()));
        _time.Advance(TimeSpan.FromMinutes(35));
        // The oldest 5 minutes (200 J) have left the window: 1000 J remain, still the limit.
        Assert.NotNull(budget.Refuse(Request()));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(budget.Refuse(Request()));
    }

    [Fact]
    public void Checking_an_admitted_request_does_not_allocate()
    {
        var budget = new RollingEnergyBudget(_meter, 1e9, time: _time);
        var request = Request();
        budget.Refuse(request);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(7));
            budget.Refuse(request);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
