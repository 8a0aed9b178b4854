using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLLM.Ota.Store;

namespace EdgeLLM.Ota.Bundles;

/// <summary>
/// A model directory's <c>edgellm_model.json</c> (id, version, quantization, …), the one place the running service
/// reads the model's identity from (<c>/v1/models</c>, the retained status, telemetry, logs, metrics, <c>models list</c>).
/// Packing writes the manifest's id and version into it, and a device checks it against the manifest before it
/// installs a bundle, so the version a device reports is always the version of the manifest it took.
/// </summary>
internal static class OtaModelInfo
{
    // Relaxed escaping keeps the file as a person wrote it ("->", not "\u003E"); it is read as JSON, never embedded in HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The bytes to pack as the bundle's <c>edgellm_model.json</c>: null when the directory's file already names
    /// <paramref name="model"/> and <paramref name="version"/> (packed unchanged, so packing stays reproducible), else
    /// the directory's file with <c>id</c> and <c>version</c> set (every other field kept), or a new one.
    /// </summary>
    /// <exception cref="OtaPackException">The directory's file is not a JSON object.</exception>
    public static byte[]? ForBundle(string modelDirectory, string model, string version)
    {
        var path = Path.Combine(modelDirectory, OtaBundlePacker.ModelInfoFile);
        JsonObject info;
        try
        {
            info = File.Exists(path) ? JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject
                ?? throw new OtaPackException($"{path} is not a JSON object") : [];
        }
        catch (JsonException e)
        {
            throw new OtaPackException($"{path} is not valid JSON: {e.Message}", e);
        }

        if (StringField(info, "id") == model && StringField(info, "version") == version)
        {
            return null;
        }

        info["id"] = model;
        info["version"] = version;
        return Encoding.UTF8.GetBytes(info.ToJsonString(Indented) + "\n");
    }

    /// <summary>
    /// Makes a staged model directory name the manifest's model and version: a missing file (a bundle made by other
    /// tools) is written, a file without <c>id</c> or <c>version</c> gets them, and a file naming another model or
    /// version is refused. Writes are durable (fsynced, then the directory), as the extraction's are.
    /// </summary>
    /// <returns>Null when the directory now names the manifest's identity; else why it disagrees.</returns>
    public static string? Reconcile(string stagedModelDirectory, string model, string version)
    {
        var path = Path.Combine(stagedModelDirectory, OtaBundlePacker.ModelInfoFile);
        JsonObject info = [];
        if (File.Exists(path))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllBytes(path)) is not JsonObject parsed)
                {
                    return $"the bundle's {OtaBundlePacker.ModelInfoFile} is not a JSON object";
                }

                info = parsed;
            }
            catch (JsonException e)
            {
                return $"the bundle's {OtaBundlePacker.ModelInfoFile} is not valid JSON: {e.Message}";
            }

            var (id, named) = (StringField(info, "id"), StringField(info, "version"));
            if (id is not null && id != model || named is not null && named != version)
            {
                return $"the bundle's {OtaBundlePacker.ModelInfoFile} names {id ?? model}@{named ?? version}, the manifest {model}@{version}; "
                    + "the device would serve and report the bundle's identity, so repack with 'edgellm ota pack --model/--version' (which writes them in)";
            }

            if (id is not null && named is not null)
            {
                return null;
            }
        }

        info["id"] = model;
        info["version"] = version;
        DurableFileSystem.WriteAllBytesAtomically(path, Encoding.UTF8.GetBytes(info.ToJsonString(Indented) + "\n"));
        return null;
    }

    private static string? StringField(JsonObject info, string name) =>
        info[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
