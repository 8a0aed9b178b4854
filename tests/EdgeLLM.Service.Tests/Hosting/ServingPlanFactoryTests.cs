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

    private static ServingPlan Prepacked(bool? on, string? directory) => ServingPlanFactory.Create(
        new EdgeLLMOptions { Device = "generic-cpu", Engine = new EngineSettings { PrepackedWeights = on, PrepackedWeightsDirectory = directory } },
        NullLogger.Instance, fsRoot: Path.GetTempPath());

    [Fact]
    public void Prepacked_weights_are_saved_where_configured_else_in_the_default_cache_and_not_when_turned_off()
    {
        var defaultDirectory = EdgeLLM.Runtime.Models.ModelLoadOptions.Default.PrepackedWeightsDirectory;
        Assert.False(string.IsNullOrEmpty(defaultDirectory));
        Assert.EndsWith("prepacked", defaultDirectory, StringComparison.Ordinal);
        Assert.Equal(defaultDirectory, Prepacked(null, null).LoadOptions.PrepackedWeightsDirectory);
        Assert.Equal(defaultDirectory, Prepacked(true, null).LoadOptions.PrepackedWeightsDirectory);
        Assert.Equal("/srv/cache", Prepacked(null, "/srv/cache").LoadOptions.PrepackedWeightsDirectory);
        Assert.Null(Prepacked(false, "/srv/cache").LoadOptions.PrepackedWeightsDirectory);
        Assert.Null(Prepacked(false, null).LoadOptions.PrepackedWeightsDirectory);
    }
}
