using System.Globalization;

namespace EdgeLLM.Serving;

/// <summary>Resident memory from <c>/proc/self/status</c> (what the kernel and <c>MemoryMax=</c> count).</summary>
public static class ProcessMemory
{
    public static long ResidentBytes() => Read("VmRSS:") ?? Environment.WorkingSet;

    public static long PeakResidentBytes() => Read("VmHWM:") ?? Environment.WorkingSet;

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
        catch (IOException)
        {
        }
        return null;
    }
}
