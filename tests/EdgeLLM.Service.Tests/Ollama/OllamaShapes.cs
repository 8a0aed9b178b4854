using System.Text.Json;

namespace EdgeLLM.Service.Tests.Ollama;

/// <summary>
/// The fields the ollama Python client's pydantic types require or type (ollama/_types.py: ChatResponse.message with a
/// role, GenerateResponse.response, ListResponse/ProcessResponse.models, ShowResponse.model_info, the final line's
/// counts), checked on what EdgeLLM sent, since Home Assistant reads every answer through those types.
/// </summary>
internal static class OllamaShapes
{
    private static readonly string[] Durations = ["total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count", "eval_duration"];

    /// <summary>One chat line (or a whole chat answer): model, created_at, message.role "assistant", content a string, done.</summary>
    public static void ChatLine(JsonElement line)
    {
        Common(line);
        var message = line.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.String, message.GetProperty("content").ValueKind);
        if (message.TryGetProperty("tool_calls", out var calls))
        {
            foreach (var call in calls.EnumerateArray())
            {
                Assert.Equal(JsonValueKind.String, call.GetProperty("function").GetProperty("name").ValueKind);
                Assert.Equal(JsonValueKind.Object, call.GetProperty("function").GetProperty("arguments").ValueKind);
            }
        }
    }

    /// <summary>One generate line: <c>response</c> is a required string.</summary>
    public static void GenerateLine(JsonElement line)
    {
        Common(line);
        Assert.Equal(JsonValueKind.String, line.GetProperty("response").ValueKind);
    }

    /// <summary>A stream: every line valid, only the last done, and that one with done_reason and Ollama's counts.</summary>
    public static void Stream(JsonElement lines, Action<JsonElement> line)
    {
        var all = lines.EnumerateArray().ToList();
        Assert.NotEmpty(all);
        foreach (var l in all)
        {
            line(l);
        }
        Assert.All(all[..^1], l => Assert.False(l.GetProperty("done").GetBoolean()));
        Final(all[^1]);
    }

    public static void Final(JsonElement line)
    {
        Assert.True(line.GetProperty("done").GetBoolean());
        Assert.Equal(JsonValueKind.String, line.GetProperty("done_reason").ValueKind);
        foreach (var field in Durations)
        {
            Assert.True(line.GetProperty(field).GetInt64() >= 0, field);
        }
        Assert.True(line.GetProperty("total_duration").GetInt64() > 0);
        Assert.True(line.GetProperty("eval_count").GetInt32() > 0);
        Assert.True(line.GetProperty("prompt_eval_count").GetInt32() > 0);
    }

    /// <summary>/api/tags and /api/ps: a <c>models</c> array of entries with model, name, size, digest, details.</summary>
    public static JsonElement Models(JsonElement list)
    {
        var models = list.GetProperty("models");
        Assert.Equal(JsonValueKind.Array, models.ValueKind);
        foreach (var m in models.EnumerateArray())
        {
            Assert.Equal(m.GetProperty("name").GetString(), m.GetProperty("model").GetString());
            Assert.True(m.GetProperty("size").GetInt64() > 0);
            Assert.Matches("^[0-9a-f]{64}$", m.GetProperty("digest").GetString());
            Assert.True(DateTimeOffset.TryParse(m.GetProperty("modified_at").GetString(), out _));
            Assert.Equal(JsonValueKind.Object, m.GetProperty("details").ValueKind);
        }
        return models;
    }

    private static void Common(JsonElement line)
    {
        Assert.Equal(JsonValueKind.String, line.GetProperty("model").ValueKind);
        Assert.True(DateTimeOffset.TryParse(line.GetProperty("created_at").GetString(), out _));
        Assert.Contains(line.GetProperty("done").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.False(line.TryGetProperty("error", out _));
    }
}
