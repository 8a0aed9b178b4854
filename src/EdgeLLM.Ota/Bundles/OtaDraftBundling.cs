using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeLLM.Ota.Bundles;

/// <summary>
/// Bundles a model together with the speculative-decoding draft its <c>edgellm_model.json</c> names
/// (<c>"draft": "../iot-assist"</c>): a copy of the model directory with the draft's files in <c>draft/</c> and
/// <c>"draft": "draft"</c>, which the runtime resolves inside the model directory. On a device the pair is then one
/// version directory: verified, smoke-tested (with drafting) and switched together. With <c>files</c> in the manifest a
/// device that already holds the draft (as its default model, say) reuses its files by SHA-256 and downloads none of them.
/// </summary>
public static class OtaDraftBundling
{
    /// <summary>The directory, inside the model directory, that holds a bundled draft.</summary>
    public const string DraftDirectory = "draft";

    /// <summary>
    /// A temporary directory holding the model and its draft as they go into the bundle, or null when the model names no
    /// draft or already holds it inside. The caller deletes it.
    /// </summary>
    /// <exception cref="OtaPackException">The named draft is not there or is not a model directory.</exception>
    public static string? Prepare(string modelDirectory)
    {
        var infoPath = Path.Combine(modelDirectory, OtaBundlePacker.ModelInfoFile);
        if (!File.Exists(infoPath))
        {
            return null;
        }

        JsonObject info;
        try
        {
            info = JsonNode.Parse(File.ReadAllBytes(infoPath)) as JsonObject ?? throw new OtaPackException($"{infoPath} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new OtaPackException($"{infoPath} is not valid JSON: {e.Message}", e);
        }

        if (info["draft"] is not JsonValue value || !value.TryGetValue<string>(out var named) || string.IsNullOrWhiteSpace(named))
        {
            return null;
        }

        // As the runtime resolves it: a directory relative to the model, else a model beside it.
        var direct = Path.GetFullPath(Path.Combine(modelDirectory, named));
        var draft = Directory.Exists(direct) ? direct : Path.GetFullPath(Path.Combine(modelDirectory, "..", named));
        if (!File.Exists(Path.Combine(draft, OtaBundlePacker.GenAiConfigFile)))
        {
            throw new OtaPackException($"{infoPath} names the draft \"{named}\", but {draft} is not a model directory (no {OtaBundlePacker.GenAiConfigFile})");
        }

        if (IsInside(draft, modelDirectory))
        {
            return null; // Already inside: it goes into the bundle with the model.
        }

        var staged = Directory.CreateTempSubdirectory("edgellm-pack-").FullName;
        Copy(modelDirectory, staged);
        Copy(draft, Path.Combine(staged, DraftDirectory));
        info["draft"] = DraftDirectory;
        File.WriteAllBytes(Path.Combine(staged, OtaBundlePacker.ModelInfoFile), Encoding.UTF8.GetBytes(info.ToJsonString(Manifests.OtaJson.Indented) + "\n"));
        return staged;
    }

    private static bool IsInside(string path, string directory) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
