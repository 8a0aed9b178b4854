namespace EdgeLLM.Runtime.Devices;

/// <summary>The profiles in <c>device-configs/</c>: next to the application, or in the source tree when run from it.</summary>
public sealed class DeviceProfileCatalog
{
    public const string DirectoryName = "device-configs";
    public const string Fallback = "generic-cpu";

    private DeviceProfileCatalog(string directory, IReadOnlyList<DeviceProfile> profiles)
    {
        Directory = directory;
        Profiles = profiles;
    }

    public string Directory { get; }

    public IReadOnlyList<DeviceProfile> Profiles { get; }

    public static DeviceProfileCatalog Load(string? directory = null)
    {
        directory ??= Locate() ?? throw new DirectoryNotFoundException($"no {DirectoryName}/ next to {AppContext.BaseDirectory} or above it");
        var profiles = System.IO.Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(DeviceProfile.Load).ToList();
        return new DeviceProfileCatalog(directory, profiles);
    }

    /// <summary>A profile by id, or a profile file by path.</summary>
    /// <exception cref="KeyNotFoundException">No such profile; the message lists the known ones.</exception>
    public DeviceProfile Get(string idOrPath)
    {
        if (idOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(idOrPath))
        {
            return DeviceProfile.Load(idOrPath);
        }
        return Profiles.FirstOrDefault(p => p.Id == idOrPath)
            ?? throw new KeyNotFoundException($"device profile '{idOrPath}' is not in {Directory} (known: {string.Join(", ", Profiles.Select(p => p.Id))})");
    }

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DirectoryName);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
