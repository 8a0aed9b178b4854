using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// A model's <c>smoke.json</c>: prompts with the exact greedy ids the reference runtime produced. OTA runs it on a
/// staged model before switching to it; a model that decodes differently is not the model that was tested.
/// </summary>
public sealed record SmokeSuite(int MaxNewTokens, IReadOnlyList<SmokeSuite.Case> Cases)
{
    public const string FileName = "smoke.json";

    /// <summary>One prompt (raw text, already templated) and the ids it must produce.</summary>
    public sealed record Case(string Name, string Prompt, int[] OutputIds);

    /// <summary>Reads <c>smoke.json</c> in <paramref name="directory"/>, or null when the model has none.</summary>
    /// <exception cref="ModelLoadException">The file is not a valid smoke suite (naming the field).</exception>
    public static SmokeSuite? Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            var cases = root.GetProperty("cases").EnumerateArray().Select(c => new Case(
                c.GetProperty("name").GetString() ?? "",
                c.GetProperty("prompt").GetString() ?? throw new ModelLoadException($"{path}: cases[].prompt is null"),
                c.GetProperty("output_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray())).ToArray();
            return new SmokeSuite(root.GetProperty("max_new_tokens").GetInt32(), cases);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException($"{path}: not a smoke suite ({e.Message}); expected max_new_tokens and cases[] with prompt and output_ids", e);
        }
    }

    /// <summary>Runs every case greedily; returns null when all match, else what differed in the first failing case.</summary>
    public async Task<string?> RunAsync(IInferenceExecutor engine, CancellationToken cancellationToken)
    {
        foreach (var c in Cases)
        {
            var result = await engine.GenerateAsync(new GenerationRequest
            {
                Id = "smoke-" + c.Name,
                Prompt = c.Prompt,
                MaxTokens = MaxNewTokens,
                Temperature = 0,
                RepetitionPenalty = 1,
                Priority = RequestPriority.High,
            }, cancellationToken).ConfigureAwait(false);
            if (!result.TokenIds.SequenceEqual(c.OutputIds))
            {
                var at = 0;
                while (at < Math.Min(result.TokenIds.Count, c.OutputIds.Length) && result.TokenIds[at] == c.OutputIds[at])
                {
                    at++;
                }
                return $"smoke case '{c.Name}' differs at output token {at}: expected [{string.Join(',', c.OutputIds)}], got [{string.Join(',', result.TokenIds)}]";
            }
        }
        return null;
    }
}
