namespace EdgeLLM.Runtime.Models;

/// <summary>
/// Turns <c>EdgeLLM:Model</c> (a directory, or a model id) into a directory. The embedded default model ships
/// with the app as <c>models/iot-assist</c>; in a source checkout it is <c>models-distilled/iot-assist</c>.
/// </summary>
public static class ModelLocator
{
    public const string DefaultModelId = "iot-assist";

    /// <summary>Where the embedded default model is.</summary>
    public static string DefaultModelDirectory => Resolve(null, []);

    /// <param name="model">A directory path, a model id, or null for the default model.</param>
    /// <param name="searchDirectories">Extra folders holding model directories by id (e.g. the state dir's models).</param>
    /// <exception cref="ModelLoadException">Nothing matches; the message lists where it looked.</exception>
    public static string Resolve(string? model, IEnumerable<string> searchDirectories)
    {
        model = string.IsNullOrWhiteSpace(model) ? DefaultModelId : model;
        if (Directory.Exists(model))
        {
            return Path.GetFullPath(model);
        }
        var looked = new List<string>();
        foreach (var root in searchDirectories.Concat(BuiltInRoots()))
        {
            var candidate = Path.Combine(root, model);
            looked.Add(candidate);
            if (File.Exists(Path.Combine(candidate, "genai_config.json")))
            {
                return Path.GetFullPath(candidate);
            }
        }
        throw new ModelLoadException($"model '{model}' not found: it is not a directory, and no folder with genai_config.json exists at {string.Join(", ", looked)}");
    }

    private static IEnumerable<string> BuiltInRoots()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "models");
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (Directory.Exists(Path.Combine(d.FullName, "models-distilled")) && File.Exists(Path.Combine(d.FullName, "EdgeLLM.sln")))
            {
                yield return Path.Combine(d.FullName, "models-distilled");
                yield return Path.Combine(d.FullName, "models-distilled", "variants");
                yield break;
            }
        }
    }
}
