using System.CommandLine;

namespace EdgeLLM.Cli.Fleet;

/// <summary>The <c>edgellm fleet</c> command group: the operator's view of the devices through the broker.</summary>
public static class FleetCommand
{
    /// <summary>Builds the <c>fleet</c> command; add it to the root command.</summary>
    public static Command Create() => new("fleet", "The fleet through its MQTT broker: device states, served versions and rollouts.")
    {
        FleetStatusCommand.Create(),
        Rollouts.FleetRolloutCommand.Create(),
        Simulation.FleetSimulateCommand.Create(),
    };
}
