using System.Security.Cryptography;
using System.Text.Json;
using EdgeLLM.Runtime.Models;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Speculative;

/// <summary>
/// A model directory names its speculative-decoding draft in <c>edgellm_model.json</c> (<c>"draft": "../iot-assist"</c>,
/// a path relative to the model's directory, or the id of a model in a directory beside it). A draft is usable only
/// with the very same tokenizer: verification compares token ids one for one.
/// </summary>
public static class DraftPairing
{
    /// <summary>The field of <c>edgellm_model.json</c> that names the draft.</summary>
    public const string DraftField = "draft";

    /// <summary>The draft directory <paramref name="modelDirectory"/> names, resolved; null when it names none.</summary>
    /// <exception cref="ModelLoadException">The field is not a string, or names a directory that does not exist.</exception>
    public static string? DraftDirectory(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, ModelIdentity.FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        string? value;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty(DraftField, out var field) || field.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            value = field.ValueKind == JsonValueKind.String ? field.GetString() : throw new ModelLoadException($"{path}: {DraftField} must be a string (a directory or a model id)");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not valid JSON: {e.Message}", e);
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var direct = Path.GetFullPath(Path.Combine(modelDirectory, value));
        if (Directory.Exists(direct))
        {
            return direct;
        }
        var sibling = Path.GetFullPath(Path.Combine(modelDirectory, "..", value));
        if (Directory.Exists(sibling))
        {
            return sibling;
        }
        throw new ModelLoadException($"{path}: {DraftField} \"{value}\" is neither a directory relative to the model ({direct}) nor a model beside it ({sibling})");
    }

    /// <summary>
    /// Opens a draft for <paramref name="target"/> with the target's load options (threads, KV style, length):
    /// <paramref name="draftDirectory"/>, or the one the target's <c>edgellm_model.json</c> names.
    /// </summary>
    /// <exception cref="ModelLoadException">No draft is named, it fails to load, or its tokenizer differs from the target's.</exception>
    public static LanguageModel LoadDraft(LanguageModel target, string? draftDirectory = null, ILoggerFactory? loggerFactory = null)
    {
        var directory = draftDirectory ?? DraftDirectory(target.Directory)
            ?? throw new ModelLoadException($"{target.Directory}: {ModelIdentity.FileName} names no {DraftField}");
        CheckTokenizers(target.Directory, directory);
        return LanguageModel.Load(directory, target.LoadOptions with { OpenDecoderSession = true }, loggerFactory);
    }

    /// <summary>Refuses a draft whose <c>tokenizer.json</c> is not byte for byte the model's.</summary>
    /// <exception cref="ModelLoadException">The files differ or one is missing; the message names both.</exception>
    public static void CheckTokenizers(string modelDirectory, string draftDirectory)
    {
        var model = Path.Combine(modelDirectory, "tokenizer.json");
        var draft = Path.Combine(draftDirectory, "tokenizer.json");
        foreach (var file in new[] { model, draft })
        {
            if (!File.Exists(file))
            {
                throw new ModelLoadException($"{file}: missing; a draft and its model must both ship tokenizer.json to be paired");
            }
        }
        var a = Hash(model);
        var b = Hash(draft);
        if (a != b)
        {
            throw new ModelLoadException(
                $"draft {draftDirectory} does not share the tokenizer of {modelDirectory}: tokenizer.json differs (sha256 {b[..12]}… vs {a[..12]}…). " +
                "Speculative decoding compares token ids one for one, so a draft must use its model's tokenizer unchanged.");
        }
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
