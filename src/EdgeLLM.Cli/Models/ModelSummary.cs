using System.Text.Json;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Cli.Models;

/// <summary>What <c>edgellm models info</c> shows of a model directory, read from its files (no ONNX Runtime needed).</summary>
internal sealed record ModelSummary(
    string Id, string Version, string Directory, string Type, int ContextLength, int MaxLength, int Layers, int AttentionHeads,
    int KvHeads, int HeadSize, int HiddenSize, int VocabSize, IReadOnlyList<int> EosTokenIds, string KvStyle, string? KvDtype,
    string Quantization, bool HasChatTemplate, IReadOnlyList<(string Name, long Bytes)> Files)
{
    public long TotalBytes => Files.Sum(f => f.Bytes);

    /// <exception cref="ModelLoadException">genai_config.json or edgellm_model.json is missing or wrong.</exception>
    public static ModelSummary Read(string directory)
    {
        var config = GenAiConfig.Load(Path.Combine(directory, "genai_config.json"));
        var identity = ModelIdentity.Read(directory);
        var d = config.Model.Decoder;
        var files = new DirectoryInfo(directory).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => (f.Name, f.Length)).ToList();
        return new ModelSummary(identity.Id, identity.Version, directory, config.Model.Type, config.Model.ContextLength, config.Search.MaxLength,
            d.NumHiddenLayers, d.NumAttentionHeads, d.NumKeyValueHeads, d.HeadSize, d.HiddenSize, config.Model.VocabSize, config.Model.EosTokenIds,
            config.Search.PastPresentShareBuffer ? "shared (past_present_share_buffer: one max-length buffer, batched decoding)" : "growing (past grows each step; batch of 1)",
            ReadKvDtype(directory), QuantizationProbe.Describe(directory), HasTemplate(directory), files);
    }

    private static string? ReadKvDtype(string directory)
    {
        var path = Path.Combine(directory, ModelIdentity.FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.TryGetProperty("kv_cache_dtype", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    private static bool HasTemplate(string directory)
    {
        var path = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return doc.RootElement.TryGetProperty("chat_template", out var t) && t.ValueKind != JsonValueKind.Null;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
