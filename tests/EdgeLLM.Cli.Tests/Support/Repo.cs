using System.Text.Json;

namespace EdgeLLM.Cli.Tests.Support;

/// <summary>The checkout the tests run in: its default model and that model's smoke cases.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string DefaultModel => Path.Combine(Root, "models-distilled", "iot-assist");

    /// <summary>smoke.json's cases as (name, user message, optional system message, expected text).</summary>
    public static IEnumerable<object[]> SmokeCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(DefaultModel, "smoke.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var messages = c.GetProperty("messages").EnumerateArray().ToList();
            var system = messages.FirstOrDefault(m => m.GetProperty("role").GetString() == "system");
            var user = messages.Single(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;
            yield return [c.GetProperty("name").GetString()!, user, system.ValueKind == JsonValueKind.Object ? system.GetProperty("content").GetString()! : "", c.GetProperty("text").GetString()!];
        }
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EdgeLLM.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException($"EdgeLLM.sln not found above {AppContext.BaseDirectory}");
    }
}
