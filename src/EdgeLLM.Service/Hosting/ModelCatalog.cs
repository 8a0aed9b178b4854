using System.Collections.Concurrent;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Serving.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// The models installed on this device: the serving one, the configured default (<c>EdgeLLM:Model</c>), the state
/// directory's <c>models/</c> (OTA keeps every installed version as <c>models/&lt;id&gt;/versions/&lt;version&gt;</c>)
/// and the folders in <c>EdgeLLM:ModelDirectories</c>. The folders are listed on each call, so a listing sees what OTA
/// installed since; each model directory's files are read once.
/// </summary>
public sealed class ModelCatalog(ModelHost host, IOptions<EdgeLLMOptions> options)
{
    private readonly string _stateModels = Path.Combine(StatePaths.Resolve(options.Value.StateDir), "models");

    // A model directory does not change once installed (OTA writes a new one and switches a link), so each is read
    // once; only complete ones are kept, so a directory still being written is read again next time.
    private readonly ConcurrentDictionary<string, InstalledModel> _described = new(StringComparer.Ordinal);

    /// <summary>Every installed model directory once, the serving model first.</summary>
    public IReadOnlyList<InstalledModel> Installed()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<InstalledModel>();
        void Add(string? directory)
        {
            var full = directory is null ? null : Path.GetFullPath(directory);
            if (full is null || !seen.Add(full))
            {
                return;
            }
            if (_described.TryGetValue(full, out var known) || (known = InstalledModel.TryRead(full)) is not null)
            {
                _described[full] = known;
                found.Add(known);
            }
        }
        Add(host.Current?.Model.Directory);
        Add(DefaultDirectory());
        foreach (var root in options.Value.ModelDirectories.Prepend(_stateModels))
        {
            foreach (var directory in ModelDirectoriesUnder(root))
            {
                Add(directory);
            }
        }
        return found;
    }

    private string? DefaultDirectory()
    {
        try
        {
            return ModelLocator.Resolve(options.Value.Model, [_stateModels]);
        }
        catch (ModelLoadException)
        {
            return null;
        }
    }

    /// <summary><paramref name="root"/> itself when it is a model, else its model subfolders and their OTA versions.</summary>
    private static IEnumerable<string> ModelDirectoriesUnder(string root)
    {
        if (File.Exists(Path.Combine(root, "genai_config.json")))
        {
            yield return root;
            yield break;
        }
        if (!Directory.Exists(root))
        {
            yield break;
        }
        foreach (var child in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            yield return child;
            var versions = Path.Combine(child, "versions");
            if (Directory.Exists(versions))
            {
                foreach (var version in Directory.EnumerateDirectories(versions).Order(StringComparer.Ordinal))
                {
                    yield return version;
                }
            }
        }
    }
}
