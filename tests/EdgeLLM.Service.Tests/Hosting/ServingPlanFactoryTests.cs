using EdgeLLM.Serving;
using EdgeLLM.Serving.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Hosting;

public class ServingPlanFactoryTests
{
    private static ServingPlan Plan(bool? selectLogits) => ServingPlanFactory.Create(
        new EdgeLLMOptions { Device = "generic-cpu", Engine = new EngineSettings { SelectLogitsPositions = selectLogits } },
        NullLogger.Instance, fsRoot: Path.GetTempPath());

    [Fact]
    public void Logits_are_selected_unless_the_configuration_turns_it_off()
    {
        Assert.True(Plan(null).LoadOptions.SelectLogitsPositions);
        Assert.True(Plan(true).LoadOptions.SelectLogitsPositions);
        Assert.False(Plan(false).LoadOptions.SelectLogitsPositions);
    }
}
