namespace EdgeLLM.Serving.Loading;

/// <summary>
/// What loading a model added to the process, between two <see cref="MemoryReading"/>s: live managed objects (the
/// tokenizer's tables, the chat template, the configuration) and the rest of the resident growth, which is native (ONNX
/// Runtime's session: the graph, weights read or mapped, MLAS's prepacked copies, its allocations; on a process's first
/// load also ONNX Runtime's own start).
/// </summary>
internal readonly record struct LoadCost(long NativeBytes, long ManagedBytes)
{
    /// <summary>The growth from <paramref name="before"/> to <paramref name="after"/>. Memory another thread freed
    /// meanwhile could make a part negative; none is below zero.</summary>
    public static LoadCost Between(MemoryReading before, MemoryReading after)
    {
        var managed = Math.Max(0, after.ManagedBytes - before.ManagedBytes);
        return new LoadCost(Math.Max(0, after.ResidentBytes - before.ResidentBytes - managed), managed);
    }

    /// <summary>This cost and a later step's together.</summary>
    public LoadCost And(LoadCost later) => new(NativeBytes + later.NativeBytes, ManagedBytes + later.ManagedBytes);
}
