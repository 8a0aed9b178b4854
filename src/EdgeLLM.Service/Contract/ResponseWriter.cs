using System.Buffers;
using System.Text.Json;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Service.Contract;

/// <summary>Encodes the contract's MQTT replies: stream chunks, the final response and error finals.</summary>
public static class ResponseWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"id","seq","delta"}</c></summary>
    public static byte[] Chunk(string id, int seq, string delta) => Write(w =>
    {
        w.WriteString("id", id);
        w.WriteNumber("seq", seq);
        w.WriteString("delta", delta);
    });

    /// <summary>The finish reason of an answer that calls a tool.</summary>
    public const string ToolCallsFinishReason = "tool_calls";

    /// <summary><c>{"id","done":true,"model","text","finish_reason","usage":{...}}</c>, with <c>tool_calls</c> when the answer calls a tool.</summary>
    public static byte[] Final(GenerationResult result, ToolCall? toolCall = null) => Write(w =>
    {
        w.WriteString("id", result.Id);
        w.WriteBoolean("done", true);
        w.WriteString("model", result.Model);
        w.WriteString("text", result.Text);
        if (toolCall is not null)
        {
            w.WriteStartArray("tool_calls");
            toolCall.Write(w);
            w.WriteEndArray();
        }
        w.WriteString("finish_reason", toolCall is null ? WireFinishReason(result.FinishReason) : ToolCallsFinishReason);
        w.WritePropertyName("usage");
        WriteUsage(w, result.Usage);
    });

    /// <summary><c>{"id","done":true,"error":{"code","message"}}</c>; a null id is written as null.</summary>
    public static byte[] Error(string? id, GenerationErrorCode code, string message) => Error(id, GenerationException.ToWire(code), message);

    /// <summary>An error final with a wire code given as text.</summary>
    public static byte[] Error(string? id, string code, string message) => Write(w =>
    {
        if (id is null)
        {
            w.WriteNull("id");
        }
        else
        {
            w.WriteString("id", id);
        }
        w.WriteBoolean("done", true);
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
    });

    /// <summary>The usage object: the OpenAI token counts plus the contract's timing and energy fields.</summary>
    public static void WriteUsage(Utf8JsonWriter w, Usage usage)
    {
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens", usage.PromptTokens);
        w.WriteNumber("completion_tokens", usage.CompletionTokens);
        w.WriteNumber("total_tokens", usage.PromptTokens + usage.CompletionTokens);
        w.WriteNumber("ttft_ms", Math.Round(usage.TimeToFirstTokenMs, 2));
        w.WriteNumber("total_ms", Math.Round(usage.TotalMs, 2));
        w.WriteNumber("tokens_per_s", Math.Round(usage.TokensPerSecond, 2));
        w.WriteNumber("energy_j", Math.Round(usage.EnergyJ, 4));
        if (usage.CachedPromptTokens > 0)
        {
            w.WriteStartObject("prompt_tokens_details");
            w.WriteNumber("cached_tokens", usage.CachedPromptTokens);
            w.WriteEndObject();
        }
        if (usage.DraftedTokens > 0)
        {
            // Speculative decoding: drafted tokens and how many of them the model accepted.
            w.WriteNumber("drafted_tokens", usage.DraftedTokens);
            w.WriteNumber("accepted_draft_tokens", usage.AcceptedDraftTokens);
        }
        w.WriteEndObject();
    }

    public static string WireFinishReason(FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.Budget => "budget",
        _ => "cancelled",
    };

    internal static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
