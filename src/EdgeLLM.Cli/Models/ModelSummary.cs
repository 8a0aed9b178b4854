using System.Text.Json;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Cli.Models;

/// <summary>What <c>edgellm models info</c> shows of a model directory, read from its files (no ONNX Runtime needed).</summary>
internal sealed record ModelSummary
{
    public required string Id { get; init; }

    public required string Version { get; init; }

    public required string Directory { get; init; }

    public required string Type { get; init; }

    public required int ContextLength { get; init; }

    public required int MaxLength { get; init; }

    public required int Layers { get; init; }

    public required int AttentionHeads { get; init; }

    public required int KvHeads { get; init; }

    public required int HeadSize { get; init; }

    public required int HiddenSize { get; init; }

    public required int VocabSize { get; init; }

    public required IReadOnlyList<int> EosTokenIds { get; init; }

    public required string KvStyle { get; init; }

    public required string? KvDtype { get; init; }

    public required string Quantization { get; init; }

    public required bool HasChatTemplate { get; init; }

    public required IReadOnlyList<(string Name, long Bytes)> Files { get; init; }

    public long TotalBytes => Files.Sum(f => f.Bytes);

    /// <exception cref="ModelLoadException">genai_config.json or edgellm_model.json is missing or wrong.</exception>
    public static ModelSummary Read(string directory)
    {
        var config = GenAiConfig.Load(Path.Combine(directory, "genai_config.json"));
        var identity = ModelIdentity.Read(directory);
        var d = config.Model.Decoder;
        var files = new DirectoryInfo(directory).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => (f.Name, f.Length)).ToList();
        return new ModelSummary
        {
            Id = identity.Id,
            Version = identity.Version,
            Directory = directory,
            Type = config.Model.Type,
            ContextLength = config.Model.ContextLength,
            MaxLength = config.Search.MaxLength,
            Layers = d.NumHiddenLayers,
            AttentionHeads = d.NumAttentionHeads,
            KvHeads = d.NumKeyValueHeads,
            HeadSize = d.HeadSize,
            HiddenSize = d.HiddenSize,
            VocabSize = config.Model.VocabSize,
            EosTokenIds = config.Model.EosTokenIds,
            KvStyle = config.Search.PastPresentShareBuffer ? "shared (past_present_share_buffer: one max-length buffer, batched decoding)" : "growing (past grows each step; batch of 1)",
            KvDtype = ReadKvDtype(directory),
            Quantization = ModelDirectory.DescribeQuantization(directory),
            HasChatTemplate = HasTemplate(directory),
            Files = files,
        };
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
