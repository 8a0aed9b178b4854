using System.Globalization;

namespace EdgeLLM.Serving;

/// <summary>Resident memory from <c>/proc/self/status</c> (what the kernel and <c>MemoryMax=</c> count).</summary>
public static class ProcessMemory
{
    private static readonly Lazy<bool> Readable = new(() => Read("VmRSS:") is not null);

    public static long ResidentBytes() => Read("VmRSS:") ?? Environment.WorkingSet;

    public static long PeakResidentBytes() => Read("VmHWM:") ?? Environment.WorkingSet;

    /// <summary>True where <see cref="ResidentBytes"/> is the kernel's own count (Linux); elsewhere it is the runtime's
    /// working set, which reports show as an estimate.</summary>
    public static bool IsKernelCount => Readable.Value;

    /// <summary>How resident memory is read here, as reports name it.</summary>
    public static string Source => IsKernelCount ? "/proc/self/status" : "working set (estimate: no /proc/self/status)";

    private static long? Read(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line.AsSpan(field.Length).Trim();
                    var space = kb.IndexOf(' ');
                    return long.Parse(space < 0 ? kb : kb[..space], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux (no /proc) or a sandbox that hides it: the caller falls back to the working set.
        }
        return null;
    }
}
