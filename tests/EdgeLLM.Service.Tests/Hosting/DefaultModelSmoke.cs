using System.Text.Json;

namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>The default model's smoke cases (messages and the exact text onnxruntime produced).</summary>
internal static class DefaultModelSmoke
{
    public static string Directory { get; } = FindModel();

    public static IReadOnlyList<(string Name, string UserMessage, string Prompt, string Text)> Cases { get; } = Load();

    private static string FindModel()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.Directory.Exists(Path.Combine(dir.FullName, "models-distilled", "iot-assist")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("models-distilled/iot-assist not found above the test output"), "models-distilled", "iot-assist");
    }

    private static List<(string, string, string, string)> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "smoke.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("finish_reason").GetString() == "stop" && c.GetProperty("messages").GetArrayLength() == 1)
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("messages")[0].GetProperty("content").GetString()!,
                c.GetProperty("prompt").GetString()!, c.GetProperty("text").GetString()!))
            .ToList();
    }
}
