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
        // The collection queues the finalizers of what an earlier, unloaded model left (native handles): run them now,
        // so that the native memory they free is gone before this reading instead of between it and the next one
        // (where it would show as a load costing less than it did), then collect what they released.
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // Native memory freed earlier (a previous session) would otherwise be reused by this load without growing it.
        EdgeLLM.Runtime.Memory.NativeHeap.Trim();
        return new MemoryReading(ProcessMemory.ResidentBytes(), GC.GetTotalMemory(forceFullCollection: false));
    }
}
