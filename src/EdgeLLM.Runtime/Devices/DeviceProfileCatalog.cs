using System.Text.Json;

namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// The device profiles of one <c>device-configs/</c> directory, parsed and validated when loaded.
/// <see cref="Get"/> takes a profile id or a path to a profile file.
/// </summary>
public sealed class DeviceProfileCatalog
{
    /// <summary>The profile used when nothing is configured and nothing is detected.</summary>
    public const string FallbackId = "generic-cpu";

    /// <summary>The directory's name next to the app and at the repository root.</summary>
    public const string DirectoryName = "device-configs";

    private readonly Dictionary<string, DeviceProfile> _profiles;

    private DeviceProfileCatalog(string directory, Dictionary<string, DeviceProfile> profiles)
    {
        Directory = directory;
        _profiles = profiles;
    }

    /// <summary>The directory the profiles came from.</summary>
    public string Directory { get; }

    /// <summary>All profiles, ordered by id.</summary>
    public IReadOnlyList<DeviceProfile> Profiles => [.. _profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal)];

    /// <summary>Loads every <c>*.json</c> in <paramref name="directory"/>; throws <see cref="DeviceProfileException"/> on the first bad file.</summary>
    public static DeviceProfileCatalog Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DeviceProfileException($"the device profile directory {directory} does not exist");
        }
        var profiles = new Dictionary<string, DeviceProfile>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var profile = LoadFile(file);
            profiles[profile.Id] = profile;
        }
        return new DeviceProfileCatalog(directory, profiles);
    }

    /// <summary>Loads the catalog from <see cref="FindDirectory"/>.</summary>
    public static DeviceProfileCatalog LoadDefault() =>
        Load(FindDirectory() ?? throw new DeviceProfileException(
            $"no {DirectoryName}/ directory next to the app ({AppContext.BaseDirectory}) or above it"));

    /// <summary>
    /// <c>device-configs/</c> next to the app (where the build copies it), else the first one found walking up
    /// from the app's directory (a source checkout); null when there is none.
    /// </summary>
    public static string? FindDirectory()
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

    /// <summary>Parses and validates one profile file; its id must equal the file name.</summary>
    public static DeviceProfile LoadFile(string path)
    {
        DeviceProfile? profile;
        try
        {
            using var stream = File.OpenRead(path);
            profile = JsonSerializer.Deserialize(stream, DeviceProfileJson.Default.DeviceProfile);
        }
        catch (JsonException e)
        {
            throw new DeviceProfileException($"{path}: invalid JSON at {e.Path ?? "$"} (line {e.LineNumber + 1}): {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new DeviceProfileException($"{path}: cannot be read: {e.Message}", e);
        }
        if (profile is null)
        {
            throw new DeviceProfileException($"{path}: the file holds null, not a profile object");
        }
        DeviceProfileValidator.Validate(profile, path);
        var name = Path.GetFileNameWithoutExtension(path);
        if (profile.Id != name)
        {
            throw new DeviceProfileException($"{path}: id '{profile.Id}' differs from the file name '{name}'");
        }
        return profile with { SourcePath = Path.GetFullPath(path) };
    }

    /// <summary>Whether a profile with this id is in the catalog.</summary>
    public bool Contains(string id) => _profiles.ContainsKey(id);

    /// <summary>
    /// The profile named by <paramref name="idOrPath"/>: an id in this catalog, an id with <c>.json</c>, or a path
    /// to a profile file anywhere. Throws <see cref="DeviceProfileException"/> listing the known ids otherwise.
    /// </summary>
    public DeviceProfile Get(string idOrPath)
    {
        var id = idOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !idOrPath.Contains('/')
            ? idOrPath[..^5]
            : idOrPath;
        if (_profiles.TryGetValue(id, out var profile))
        {
            return profile;
        }
        if (File.Exists(idOrPath))
        {
            return LoadFile(idOrPath);
        }
        throw new DeviceProfileException(
            $"device profile '{idOrPath}' is neither a file nor one of {string.Join(", ", _profiles.Keys.Order(StringComparer.Ordinal))} in {Directory}");
    }
}
