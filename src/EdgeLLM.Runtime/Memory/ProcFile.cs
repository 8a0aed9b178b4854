using System.Globalization;

namespace EdgeLLM.Runtime.Memory;

/// <summary>The kernel's "Name:   1234 kB" lines (<c>/proc/self/status</c>, <c>/proc/self/smaps_rollup</c>, a mapping's
/// fields in <c>/proc/self/smaps</c>) and its mapping lines (<c>/proc/self/maps</c>): the one reader of each.</summary>
public static class ProcFile
{
    /// <summary>The number of a "Name:   1234 kB" line when it is the field (its name with the colon); null otherwise.</summary>
    internal static long? Kilobytes(string line, string field)
    {
        if (!line.StartsWith(field, StringComparison.Ordinal))
        {
            return null;
        }
        var kb = line.AsSpan(field.Length).Trim();
        var space = kb.IndexOf(' ');
        return long.TryParse(space < 0 ? kb : kb[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>A mapping line, "start-end perms offset dev inode [path]" (also a mapping's first line in smaps); null
    /// for any other line.</summary>
    internal static ProcMapping? Mapping(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[1].Length != 4)
        {
            return null;
        }
        var dash = fields[0].IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !long.TryParse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
        {
            return null;
        }
        return new ProcMapping(start, end, fields[1], fields[4], fields.Length == 6 ? fields[5].Trim() : "");
    }
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
                    return Kilobytes(line, field) * 1024;
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

/// <summary>One mapping of the process: its address range, permissions ("rw-p"), inode ("0" for anonymous memory) and
/// path ("" for none, "[heap]" and the like for the kernel's names).</summary>
internal readonly record struct ProcMapping(long Start, long End, string Perms, string Inode, string Path);
