namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>
/// Tests that measure the process's resident memory across a load: they run alone, so that no other test's
/// allocations land between two readings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResidentMemoryCollection
{
    public const string Name = "Resident memory (runs alone)";
}
