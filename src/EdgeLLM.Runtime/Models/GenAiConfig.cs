using System.Text.Json;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// The parts of an ONNX Runtime GenAI <c>genai_config.json</c> that a decoder-only model needs:
/// token ids, context length, the decoder file with its IO name templates and shapes, session and
/// provider options, and the search defaults.
/// </summary>
public sealed class GenAiConfig
{
    public required GenAiModelConfig Model { get; init; }

    public required GenAiSearchConfig Search { get; init; }

    /// <summary>Reads and validates a <c>genai_config.json</c>; every problem names the field at fault.</summary>
    /// <exception cref="ModelLoadException">The file is missing, not JSON, or a field is absent or invalid.</exception>
    public static GenAiConfig Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"{path}: cannot be read: {e.Message}", e);
        }
        return Parse(json, path);
    }

    /// <summary>Parses configuration text; <paramref name="source"/> names it in error messages.</summary>
    public static GenAiConfig Parse(string json, string source = "genai_config.json")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{source}: not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = new ConfigObject(doc.RootElement, source, "");
            var model = GenAiModelConfig.Read(root.Object("model"));
            var search = GenAiSearchConfig.Read(root.OptionalObject("search"), model.ContextLength);
            return new GenAiConfig { Model = model, Search = search };
        }
    }
}
