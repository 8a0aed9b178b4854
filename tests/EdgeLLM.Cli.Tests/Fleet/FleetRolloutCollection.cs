namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>
/// The rollout test runs four services (and two smoke-test loads) at once; it runs alone, after the parallel tests, so
/// that it does not starve the process tests that wait on a child's start-up (systemd notification, MQTT status).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FleetRolloutCollection
{
    public const string Name = "Fleet rollout (runs alone)";
}
