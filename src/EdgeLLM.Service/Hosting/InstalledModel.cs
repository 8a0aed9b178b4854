using System.Text.Json;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// A model directory on this device, described from its files without loading it: identity, family, context,
/// weights on disk and its chat template, null when it has none (what model listings and <c>/api/show</c> report).
/// </summary>
public sealed record InstalledModel(string Directory, ModelIdentity Identity, string Family, int ContextLength, int VocabSize,
    long WeightsBytes, string? ChatTemplate, DateTimeOffset ModifiedAt)
{
    /// <summary>The description of <paramref name="directory"/>, or null when it is not a readable model directory.</summary>
    public static InstalledModel? TryRead(string directory)
    {
        var configPath = Path.Combine(directory, "genai_config.json");
        if (!File.Exists(configPath))
        {
            return null;
        }
        try
        {
            var config = GenAiConfig.Load(configPath);
            return new InstalledModel(Path.GetFullPath(directory), ModelIdentity.Read(directory), config.Model.Type,
                Math.Min(config.Model.ContextLength, config.Search.MaxLength > 0 ? config.Search.MaxLength : config.Model.ContextLength),
                config.Model.VocabSize, ModelDirectory.WeightsBytes(directory), ReadTemplate(directory),
                new DateTimeOffset(System.IO.Directory.GetLastWriteTimeUtc(directory), TimeSpan.Zero));
        }
        catch (Exception e) when (e is ModelLoadException or IOException or JsonException or UnauthorizedAccessException)
        {
            // A half-written or foreign directory is not a model to offer; the loader would refuse it with the reason.
            return null;
        }
    }

    /// <summary><c>tokenizer_config.json</c>'s <c>chat_template</c>, where the tokenizer reads it from.</summary>
    private static string? ReadTemplate(string directory)
    {
        var path = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(path))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("chat_template", out var t))
        {
            return null;
        }
        return t.ValueKind switch
        {
            JsonValueKind.String => t.GetString(),
            JsonValueKind.Array => t.GetRawText(),
            _ => null,
        };
    }
}
