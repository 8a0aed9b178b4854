using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Cli.Models;

/// <summary>
/// The models the CLI can see: the default model's folder (<see cref="ModelLocator"/>) and the state directory's
/// <c>models/</c>, both plain <c>models/&lt;id&gt;/</c> folders and OTA-installed <c>models/&lt;id&gt;/versions/&lt;version&gt;/</c>,
/// with the OTA journal's active and previous versions marked.
/// </summary>
internal sealed class ModelCatalog
{
    private const string ConfigFile = "genai_config.json";

    private ModelCatalog(string stateDirectory, IReadOnlyList<CatalogEntry> entries)
    {
        StateDirectory = stateDirectory;
        Entries = entries;
    }

    public string StateDirectory { get; }

    public IReadOnlyList<CatalogEntry> Entries { get; }

    public static ModelCatalog ForState(string stateDirectory)
    {
        var entries = new List<CatalogEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string directory, string source, string? role)
        {
            var full = Path.GetFullPath(directory);
            if (!File.Exists(Path.Combine(full, ConfigFile)) || !seen.Add(full))
            {
                return;
            }
            var identity = ModelIdentity.Read(full);
            entries.Add(new CatalogEntry(identity.Id, identity.Version, full, source, role));
        }

        if (TryDefaultDirectory() is { } defaultDirectory)
        {
            Add(defaultDirectory, "builtin", null);
            foreach (var sibling in SafeDirectories(Path.GetDirectoryName(defaultDirectory)!))
            {
                Add(sibling, "builtin", null);
            }
        }

        var journal = OtaJournalView.Read(stateDirectory);
        string? RoleOf(string directory) =>
            directory == journal.ActiveDirectory ? "active" : directory == journal.PreviousDirectory ? "previous" : null;
        foreach (var model in SafeDirectories(Path.Combine(stateDirectory, "models")))
        {
            Add(model, "state", RoleOf(Path.GetFullPath(model)));
            foreach (var version in SafeDirectories(Path.Combine(model, "versions")))
            {
                Add(version, "state", RoleOf(Path.GetFullPath(version)));
            }
        }
        return new ModelCatalog(stateDirectory, entries);
    }

    /// <summary>
    /// A directory path as given; else the entries with that id, preferring the OTA-active version, then the state
    /// dir's other versions (newest name last-sorted first), then the built-in copy; null means the default model id.
    /// </summary>
    /// <exception cref="ModelLoadException">Nothing matches; the message says where the CLI looked.</exception>
    public string Resolve(string? model)
    {
        if (model is not null && Directory.Exists(model))
        {
            return Path.GetFullPath(model);
        }
        var id = model ?? ModelLocator.DefaultModelId;
        var matches = Entries.Where(e => e.Id == id || Path.GetFileName(e.Directory) == id).ToList();
        var best = matches.FirstOrDefault(e => e.OtaRole == "active")
                   ?? matches.Where(e => e.Source == "state").OrderByDescending(e => e.Version, StringComparer.Ordinal).FirstOrDefault()
                   ?? matches.FirstOrDefault();
        if (best is not null)
        {
            return best.Directory;
        }
        return ModelLocator.Resolve(id, [Path.Combine(StateDirectory, "models")]);
    }

    private static string? TryDefaultDirectory()
    {
        try
        {
            return ModelLocator.DefaultModelDirectory;
        }
        catch (ModelLoadException)
        {
            return null;
        }
    }

    private static IEnumerable<string> SafeDirectories(string parent) =>
        Directory.Exists(parent) ? Directory.EnumerateDirectories(parent).Order(StringComparer.Ordinal) : [];
}
