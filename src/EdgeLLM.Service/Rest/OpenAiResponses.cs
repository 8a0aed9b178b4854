using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Rest;

/// <summary>OpenAI response bodies and stream chunks for chat and text completions.</summary>
public static class OpenAiResponses
{
    /// <summary>The whole answer; with <paramref name="toolCall"/> the message carries <c>tool_calls</c> and no content.</summary>
    public static byte[] Completion(bool chat, string id, long created, GenerationResult result, ToolCall? toolCall = null) => ResponseWriter.Write(w =>
    {
        Header(w, chat ? "chat.completion" : "text_completion", id, created, result.Model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        if (chat)
        {
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (toolCall is null)
            {
                w.WriteString("content", result.Text);
            }
            else
            {
                w.WriteNull("content");
                w.WriteStartArray("tool_calls");
                toolCall.Write(w);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text", result.Text);
            w.WriteNull("logprobs");
        }
        w.WriteString("finish_reason", toolCall is null ? ResponseWriter.WireFinishReason(result.FinishReason) : ResponseWriter.ToolCallsFinishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WritePropertyName("usage");
        ResponseWriter.WriteUsage(w, result.Usage);
    });

    /// <summary>The stream chunk that carries a tool call as one delta (name and all arguments); with
    /// <paramref name="includeUsage"/> (<c>stream_options.include_usage</c>) it has <c>"usage": null</c>.</summary>
    public static byte[] ToolCallChunk(string id, long created, string model, ToolCall toolCall, bool includeUsage) => ResponseWriter.Write(w =>
    {
        Header(w, "chat.completion.chunk", id, created, model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        w.WriteStartArray("tool_calls");
        toolCall.Write(w, index: 0);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("finish_reason");
        w.WriteEndObject();
        w.WriteEndArray();
        NoUsage(w, includeUsage);
    });

    /// <summary>
    /// A stream chunk; the last one of the choice (with <paramref name="result"/>) has the finish reason. Usage is never
    /// here: OpenAI sends it only when asked, in <see cref="UsageChunk"/>, and a client that asked reads
    /// <c>"usage": null</c> on every other chunk (<paramref name="includeUsage"/>).
    /// </summary>
    public static byte[] Chunk(bool chat, string id, long created, string model, string delta, bool first, GenerationResult? result, bool toolCalls, bool includeUsage) => ResponseWriter.Write(w =>
    {
        Header(w, chat ? "chat.completion.chunk" : "text_completion", id, created, model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        if (chat)
        {
            w.WriteStartObject("delta");
            if (first)
            {
                w.WriteString("role", "assistant");
            }
            if (delta.Length > 0 || first)
            {
                w.WriteString("content", delta);
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text", delta);
            w.WriteNull("logprobs");
        }
        if (result is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", toolCalls ? ResponseWriter.ToolCallsFinishReason : ResponseWriter.WireFinishReason(result.FinishReason));
        }
        w.WriteEndObject();
        w.WriteEndArray();
        NoUsage(w, includeUsage);
    });

    /// <summary>
    /// The chunk a stream that asked for usage ends with, after the finish reason and before <c>data: [DONE]</c>:
    /// no choices (<c>"choices": []</c>), and the usage of the whole answer.
    /// </summary>
    public static byte[] UsageChunk(bool chat, string id, long created, GenerationResult result) => ResponseWriter.Write(w =>
    {
        Header(w, chat ? "chat.completion.chunk" : "text_completion", id, created, result.Model);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        w.WritePropertyName("usage");
        ResponseWriter.WriteUsage(w, result.Usage);
    });

    private static void NoUsage(Utf8JsonWriter w, bool includeUsage)
    {
        if (includeUsage)
        {
            w.WriteNull("usage");
        }
    }

    private static void Header(Utf8JsonWriter w, string kind, string id, long created, string model)
    {
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
    }
}
