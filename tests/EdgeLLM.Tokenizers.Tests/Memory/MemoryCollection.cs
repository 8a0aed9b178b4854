namespace EdgeLLM.Tokenizers.Tests.Memory;

/// <summary>Memory measurements run after the parallel tests and alone, so the heap they read is their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Memory measurements";
}
