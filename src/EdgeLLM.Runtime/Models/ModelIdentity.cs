using System.Text.Json;

namespace EdgeLLM.Runtime.Models;

/// <summary>A model's id, version and quantization, from <c>edgellm_model.json</c> when the directory has one
/// (OTA bundles and EdgeLLM's own models do), else the directory name and "unknown".</summary>
public sealed record ModelIdentity(string Id, string Version, string Quantization)
{
    public const string FileName = "edgellm_model.json";

    /// <summary>What a field the file does not give reads as.</summary>
    public const string Unknown = "unknown";

    public static ModelIdentity Read(string directory)
    {
        var fallbackId = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return new ModelIdentity(fallbackId, Unknown, Unknown);
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            string? Field(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new ModelIdentity(Field("id") ?? fallbackId, Field("version") ?? Unknown, Field("quantization") ?? Unknown);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not valid JSON: {e.Message}", e);
        }
    }
}
