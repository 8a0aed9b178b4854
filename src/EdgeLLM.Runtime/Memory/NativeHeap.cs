namespace EdgeLLM.Runtime.Memory;

/// <summary>
/// The C heap ONNX Runtime allocates from. Memory it frees stays in glibc's arenas, resident, and is handed out again:
/// loading a model leaves free pages in the middle of an arena (the graph, the protobuf, the optimiser's copies), and a
/// session opened after another was closed can grow the process by nothing. <see cref="Trim"/> returns those pages once
/// loading is done, and before a load is measured, so that the resident set counts live allocations only.
/// </summary>
public static class NativeHeap
{
    /// <summary>Returns free whole pages of every malloc arena to the system (glibc's <c>malloc_trim(0)</c>); false where
    /// nothing was released or there is no glibc (another OS, musl). A walk of every arena: at load, never per request.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            return LinuxMemory.MallocTrim(0) != 0;
        }
        catch (EntryPointNotFoundException)
        {
            // musl's libc has no malloc_trim: readings there include free heap memory.
            return false;
        }
    }
}
