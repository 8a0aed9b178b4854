using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeLLM.Service.Hosting;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// How an installed EdgeLLM model reads in Ollama's model listings (<c>/api/tags</c>, <c>/api/ps</c>, <c>/api/show</c>):
/// name, size, digest and <c>details</c>. EdgeLLM's models are ONNX directories, not GGUF blobs, so <c>format</c> is
/// <c>onnx</c>, the digest is a SHA-256 of id and version (stable for one installed version) and the quantization
/// level is the first word of the model's own quantization note.
/// </summary>
internal static class OllamaModelInfo
{
    public static string Digest(InstalledModel model) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{model.Identity.Id}@{model.Identity.Version}")));

    /// <summary><c>details</c>: <c>{parent_model, format, family, families, parameter_size, quantization_level}</c>.</summary>
    public static void WriteDetails(Utf8JsonWriter w, InstalledModel model)
    {
        w.WriteStartObject("details");
        w.WriteString("parent_model", "");
        w.WriteString("format", "onnx");
        w.WriteString("family", model.Family);
        w.WriteStartArray("families");
        w.WriteStringValue(model.Family);
        w.WriteEndArray();
        w.WriteString("parameter_size", "");
        w.WriteString("quantization_level", QuantizationLevel(model.Identity.Quantization));
        w.WriteEndObject();
    }

    /// <summary>The fields every model listing shares: <c>name, model, modified_at, size, digest, details</c>.</summary>
    /// <param name="w">The writer, inside the model's object.</param>
    /// <param name="model">The model and its name.</param>
    /// <param name="size">Its files (<c>/api/tags</c>) or what it holds in memory (<c>/api/ps</c>).</param>
    public static void WriteListing(Utf8JsonWriter w, OllamaModel model, long size)
    {
        w.WriteString("name", model.Name);
        w.WriteString("model", model.Name);
        w.WriteString("modified_at", OllamaResponses.Timestamp(model.Installed.ModifiedAt));
        w.WriteNumber("size", size);
        w.WriteString("digest", Digest(model.Installed));
        WriteDetails(w, model.Installed);
    }

    private static string QuantizationLevel(string quantization)
    {
        var first = quantization.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        return first.Length == 0 ? "unknown" : first[0].ToUpperInvariant();
    }
}
