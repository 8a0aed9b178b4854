using EdgeLLM.Serving;
using EdgeLLM.Serving.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Hosting;

public class ServingPlanFactoryTests
{
    private static ServingPlan Plan(bool? selectLogits, bool? spinning = null) => ServingPlanFactory.Create(
        new EdgeLLMOptions { Device = "generic-cpu", Engine = new EngineSettings { SelectLogitsPositions = selectLogits, IntraOpSpinning = spinning } },
        NullLogger.Instance, fsRoot: Path.GetTempPath());

    [Fact]
    public void Logits_are_selected_unless_the_configuration_turns_it_off()
    {
        Assert.True(Plan(null).LoadOptions.SelectLogitsPositions);
        Assert.True(Plan(true).LoadOptions.SelectLogitsPositions);
        Assert.False(Plan(false).LoadOptions.SelectLogitsPositions);
    }

    [Fact]
    public void Workers_spin_inside_a_run_unless_the_configuration_says_the_cores_are_shared()
    {
        Assert.True(Plan(null).LoadOptions.IntraOpSpinning);
        Assert.False(Plan(null, spinning: false).LoadOptions.IntraOpSpinning);
        Assert.True(Plan(null, spinning: true).LoadOptions.IntraOpSpinning);
    }
}
