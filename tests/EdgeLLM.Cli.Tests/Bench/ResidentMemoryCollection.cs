namespace EdgeLLM.Cli.Tests.Bench;

/// <summary>
/// Tests that compare the process's resident memory before and after an action: they run alone, so that no other
/// test's allocations land between the two readings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResidentMemoryCollection
{
    public const string Name = "Resident memory (runs alone)";
}
