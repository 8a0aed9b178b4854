using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// How a loaded EdgeLLM model reads in Ollama's model listings (<c>/api/tags</c>, <c>/api/ps</c>, <c>/api/show</c>):
/// name, size, digest and <c>details</c>. EdgeLLM's models are ONNX directories, not GGUF blobs, so <c>format</c> is
/// <c>onnx</c>, the digest is a SHA-256 of id and version (stable for one installed version) and the quantization
/// level is the first word of the model's own quantization note.
/// </summary>
internal static class OllamaModelInfo
{
    public static string Family(LoadedModel model) => model.Model.Config.Model.Type;

    public static string Digest(LoadedModel model)
    {
        var id = model.Model.Identity;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{id.Id}@{id.Version}")));
    }

    public static DateTimeOffset ModifiedAt(LoadedModel model) => new(Directory.GetLastWriteTimeUtc(model.Model.Directory), TimeSpan.Zero);

    /// <summary><c>details</c>: <c>{parent_model, format, family, families, parameter_size, quantization_level}</c>.</summary>
    public static void WriteDetails(Utf8JsonWriter w, LoadedModel model)
    {
        w.WriteStartObject("details");
        w.WriteString("parent_model", "");
        w.WriteString("format", "onnx");
        w.WriteString("family", Family(model));
        w.WriteStartArray("families");
        w.WriteStringValue(Family(model));
        w.WriteEndArray();
        w.WriteString("parameter_size", "");
        w.WriteString("quantization_level", QuantizationLevel(model.Model.Identity.Quantization));
        w.WriteEndObject();
    }

    /// <summary>The fields every model listing shares: <c>name, model, modified_at, size, digest, details</c>.</summary>
    /// <param name="w">The writer, inside the model's object.</param>
    /// <param name="model">The model.</param>
    /// <param name="size">Its files (<c>/api/tags</c>) or what it holds in memory (<c>/api/ps</c>).</param>
    public static void WriteListing(Utf8JsonWriter w, LoadedModel model, long size)
    {
        var name = OllamaModelName.Listed(model.Model.Identity);
        w.WriteString("name", name);
        w.WriteString("model", name);
        w.WriteString("modified_at", OllamaResponses.Timestamp(ModifiedAt(model)));
        w.WriteNumber("size", size);
        w.WriteString("digest", Digest(model));
        WriteDetails(w, model);
    }

    private static string QuantizationLevel(string quantization)
    {
        var first = quantization.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        return first.Length == 0 ? "unknown" : first[0].ToUpperInvariant();
    }
}
