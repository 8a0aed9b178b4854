using System.Text.Json;

namespace EdgeLLM.Onnx.Tests;

/// <summary>The committed graphs and the outputs ONNX Runtime (Python) gave for them.</summary>
internal static class TestModels
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Models", name);

    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllText(Path("expected.json"))));

    public static (long[] Shape, float[] Data) Tensor(string graph, string kind, string name)
    {
        var t = Expected.Value.RootElement.GetProperty(graph).GetProperty(kind);
        t = name.Length == 0 ? t : t.GetProperty(name);
        return (t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                t.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray());
    }
}
