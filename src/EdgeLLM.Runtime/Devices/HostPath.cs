namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// Maps the absolute paths a device has (<c>/proc/cpuinfo</c>, <c>/sys/class/...</c>) under a filesystem root,
/// so detection, meters and thermal zones read fixture trees in tests and <c>/</c> in production.
/// </summary>
public static class HostPath
{
    /// <summary><paramref name="absolute"/> under <paramref name="root"/>; with root <c>/</c> it is the path itself.</summary>
    public static string Resolve(string root, string absolute) =>
        root is "/" or "" ? absolute : Path.Join(root, absolute.TrimStart('/'));

    /// <summary>The file's text without trailing NULs and whitespace (device-tree strings end in NUL); null when it cannot be read.</summary>
    public static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\0', '\n', '\r', ' ', '\t') : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="absolute"/> exists under root; a <c>*</c> in the last segment matches any run of characters.</summary>
    public static bool Exists(string root, string absolute)
    {
        var path = Resolve(root, absolute);
        var name = Path.GetFileName(path);
        if (!name.Contains('*'))
        {
            return File.Exists(path) || Directory.Exists(path);
        }
        var dir = Path.GetDirectoryName(path);
        return dir is not null && Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir, name).Any();
    }
}
