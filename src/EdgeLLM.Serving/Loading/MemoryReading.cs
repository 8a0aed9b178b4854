namespace EdgeLLM.Serving.Loading;

/// <summary>
/// The process's resident set and live managed heap, read after a full compacting collection that hands freed memory
/// back to the system (<see cref="GCCollectionMode.Aggressive"/>) and a trim of the C heap
/// (<see cref="EdgeLLM.Runtime.Memory.NativeHeap"/>): two readings then differ by what a load kept, not by
/// the garbage it left (a tokenizer file read whole, a rewritten graph's bytes).
/// </summary>
/// <param name="ResidentBytes">The process's resident set (<see cref="ProcessMemory.ResidentBytes"/>).</param>
/// <param name="ManagedBytes">Live objects on the managed heap.</param>
internal readonly record struct MemoryReading(long ResidentBytes, long ManagedBytes)
{
    /// <summary>Collects, then reads. A blocking full collection: for loads (a few per process lifetime), never per request.</summary>
    public static MemoryReading Settled()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // Native memory freed earlier (a previous session) would otherwise be reused by this load without growing it.
        EdgeLLM.Runtime.Memory.NativeHeap.Trim();
        return new MemoryReading(ProcessMemory.ResidentBytes(), GC.GetTotalMemory(forceFullCollection: false));
    }
}
