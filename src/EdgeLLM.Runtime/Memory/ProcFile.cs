using System.Globalization;

namespace EdgeLLM.Runtime.Memory;

/// <summary>The kernel's "Name:   1234 kB" lines (<c>/proc/self/status</c>, <c>/proc/self/smaps_rollup</c>): the one
/// reader of such a field.</summary>
public static class ProcFile
{
    /// <summary>The field (its name with the colon, e.g. <c>VmRSS:</c>) in bytes; null where the file or the field is
    /// missing or unreadable (not Linux, an older kernel, a sandbox that hides <c>/proc</c>).</summary>
    public static long? KilobytesField(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
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
            // The caller falls back (the working set) or reports nothing.
        }
        return null;
    }
}
