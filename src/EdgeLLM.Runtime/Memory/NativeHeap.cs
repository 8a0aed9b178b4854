namespace EdgeLLM.Runtime.Memory;

/// <summary>
/// The C heap ONNX Runtime allocates from. Memory it frees stays in glibc's arenas, resident, and is handed out again:
/// a session opened after another was closed can grow the process by nothing. Measuring what a load costs therefore
/// trims the heap first, so that the resident set counts live allocations only.
/// </summary>
public static class NativeHeap
{
    /// <summary>Returns free heap memory to the system (glibc's <c>malloc_trim</c>); does nothing where there is no
    /// glibc (another OS, musl). A walk of every arena: for measurements at load, never per request.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            // 0 only says nothing was free to release: either way the heap holds no more than it uses.
            _ = LinuxMemory.MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // musl's libc has no malloc_trim: readings there include free heap memory.
        }
    }
}
