using System.Text.Json;

namespace EdgeLLM.Runtime.Tests;

/// <summary>A committed model's smoke.json: prompts with the greedy ids onnxruntime (Python) produced.</summary>
internal sealed record SmokeCase(string Name, string Prompt, int[] PromptIds, int[] OutputIds, string Text, string FinishReason)
{
    public override string ToString() => Name;

    public static (int MaxNewTokens, SmokeCase[] Cases) Load(string modelDir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelDir, "smoke.json")));
        var root = doc.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray().Select(c => new SmokeCase(
            c.GetProperty("name").GetString()!,
            c.GetProperty("prompt").GetString()!,
            c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("output_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("text").GetString()!,
            c.GetProperty("finish_reason").GetString()!)).ToArray();
        return (root.GetProperty("max_new_tokens").GetInt32(), cases);
    }
}
