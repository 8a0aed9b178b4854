using EdgeLLM.Runtime.Memory;

namespace EdgeLLM.Serving;

/// <summary>Resident memory from <c>/proc/self/status</c> (what the kernel and <c>MemoryMax=</c> count).</summary>
public static class ProcessMemory
{
    private static readonly Lazy<bool> Readable = new(() => Read("VmRSS:") is not null);

    public static long ResidentBytes() => Read("VmRSS:") ?? Environment.WorkingSet;

    public static long PeakResidentBytes() => Read("VmHWM:") ?? Environment.WorkingSet;

    /// <summary>
    /// Sets the peak (VmHWM) back to the resident set now, so a later <see cref="PeakResidentBytes"/> tells the peak of
    /// what ran after this; false where the kernel does not offer it (<c>/proc/self/clear_refs</c>, Linux 4.0).
    /// </summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>True where <see cref="ResidentBytes"/> is the kernel's own count (Linux); elsewhere it is the runtime's
    /// working set, which reports show as an estimate.</summary>
    public static bool IsKernelCount => Readable.Value;

    /// <summary>How resident memory is read here, as reports name it.</summary>
    public static string Source => IsKernelCount ? "/proc/self/status" : "working set (estimate: no /proc/self/status)";

    private static long? Read(string field) => ProcFile.KilobytesField("/proc/self/status", field);
}
