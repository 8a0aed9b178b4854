using System.Globalization;
using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Ollama's generation bodies, one JSON object each (a line of the NDJSON stream, or the whole answer):
/// <c>{model, created_at, message{role, content, tool_calls?}, done}</c> for chat, <c>response</c> in place of
/// <c>message</c> for generate. Every line carries <c>message.role</c> (the Python client's pydantic type requires it);
/// the last adds <c>done_reason</c> and Ollama's counts and durations in nanoseconds.
/// </summary>
public static class OllamaResponses
{
    /// <summary>A piece of the answer's text.</summary>
    public static byte[] Delta(OllamaEndpointKind kind, string model, string createdAt, string text) => ResponseWriter.Write(w =>
    {
        Header(w, model, createdAt);
        WriteText(w, kind, text);
        w.WriteBoolean("done", false);
    });

    /// <summary>The line that carries a tool call whole, with <c>arguments</c> as a JSON object (chat only).</summary>
    public static byte[] ToolCallLine(string model, string createdAt, ToolCall call) => ResponseWriter.Write(w =>
    {
        Header(w, model, createdAt);
        WriteMessage(w, "", call);
        w.WriteBoolean("done", false);
    });

    /// <summary>
    /// The last line of a stream (<paramref name="whole"/> false: its text was sent already) or the whole answer
    /// (<paramref name="whole"/> true: the text, or the tool call, is in it).
    /// </summary>
    public static byte[] Final(OllamaEndpointKind kind, string model, string createdAt, GenerationResult result, ToolCall? call, bool whole) => ResponseWriter.Write(w =>
    {
        Header(w, model, createdAt);
        var text = whole && call is null ? result.Text : "";
        if (kind == OllamaEndpointKind.Chat)
        {
            WriteMessage(w, text, whole ? call : null);
        }
        else
        {
            w.WriteString("response", text);
        }
        w.WriteBoolean("done", true);
        w.WriteString("done_reason", ResponseWriter.WireFinishReason(result.FinishReason));
        WriteDurations(w, result.Usage);
    });

    /// <summary>The answer to a request with nothing to generate: <c>done_reason</c> <c>"load"</c>, or <c>"unload"</c> for
    /// <c>keep_alive: 0</c> on a model loaded on demand.</summary>
    public static byte[] Loaded(OllamaEndpointKind kind, string model, string createdAt, string reason) => ResponseWriter.Write(w =>
    {
        Header(w, model, createdAt);
        WriteText(w, kind, "");
        w.WriteBoolean("done", true);
        w.WriteString("done_reason", reason);
    });

    /// <summary>Ollama's time stamps: RFC 3339 in UTC with fractional seconds.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void Header(Utf8JsonWriter w, string model, string createdAt)
    {
        w.WriteString("model", model);
        w.WriteString("created_at", createdAt);
    }

    private static void WriteText(Utf8JsonWriter w, OllamaEndpointKind kind, string text)
    {
        if (kind == OllamaEndpointKind.Chat)
        {
            WriteMessage(w, text, null);
        }
        else
        {
            w.WriteString("response", text);
        }
    }

    private static void WriteMessage(Utf8JsonWriter w, string content, ToolCall? call)
    {
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteString("content", content);
        if (call is not null)
        {
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteString("id", call.Id);
            w.WriteStartObject("function");
            w.WriteNumber("index", 0);
            w.WriteString("name", call.Name);
            // Ollama's arguments are an object, not OpenAI's string; the constrained answer's arguments are JSON.
            w.WritePropertyName("arguments");
            w.WriteRawValue(call.Arguments, skipInputValidation: false);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// Ollama's counts and nanosecond durations from EdgeLLM's usage: the prompt phase is the time to the first token
    /// (queueing included), the rest is generation; nothing is loaded per request, so <c>load_duration</c> is 0.
    /// </summary>
    private static void WriteDurations(Utf8JsonWriter w, Usage usage)
    {
        var prompt = Nanoseconds(usage.TimeToFirstTokenMs);
        var total = Math.Max(prompt, Nanoseconds(usage.TotalMs));
        w.WriteNumber("total_duration", total);
        w.WriteNumber("load_duration", 0);
        w.WriteNumber("prompt_eval_count", usage.PromptTokens);
        w.WriteNumber("prompt_eval_duration", prompt);
        w.WriteNumber("eval_count", usage.CompletionTokens);
        w.WriteNumber("eval_duration", total - prompt);
    }

    private static long Nanoseconds(double milliseconds) => (long)Math.Round(Math.Max(0, milliseconds) * 1_000_000);
}
