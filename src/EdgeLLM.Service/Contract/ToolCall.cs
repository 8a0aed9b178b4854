using System.Text.Json;

namespace EdgeLLM.Service.Contract;

/// <summary>A call the model made: OpenAI's <c>tool_calls[]</c> entry, <see cref="Arguments"/> as compact JSON text.</summary>
public sealed record ToolCall(string Id, string Name, string Arguments)
{
    /// <summary>Reads a tool-constrained answer (<c>{"name","arguments"}</c>); null when the text is not one (an answer cut short).</summary>
    public static ToolCall? FromAnswer(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                && root.TryGetProperty("arguments", out var a))
            {
                return new ToolCall("call_" + Guid.NewGuid().ToString("N")[..24], n.GetString()!, a.GetRawText());
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    /// <summary>Writes the <c>tool_calls</c> array entry; <paramref name="index"/> is written for stream deltas.</summary>
    public void Write(Utf8JsonWriter w, int? index = null)
    {
        w.WriteStartObject();
        if (index is { } i)
        {
            w.WriteNumber("index", i);
        }
        w.WriteString("id", Id);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", Name);
        w.WriteString("arguments", Arguments);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
