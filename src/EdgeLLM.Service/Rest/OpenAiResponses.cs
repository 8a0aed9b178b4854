using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Rest;

/// <summary>OpenAI response bodies and stream chunks for chat and text completions.</summary>
public static class OpenAiResponses
{
    public static byte[] Completion(bool chat, string id, long created, GenerationResult result) => ResponseWriter.Write(w =>
    {
        Header(w, chat ? "chat.completion" : "text_completion", id, created, result.Model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        if (chat)
        {
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", result.Text);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text", result.Text);
            w.WriteNull("logprobs");
        }
        w.WriteString("finish_reason", ResponseWriter.WireFinishReason(result.FinishReason));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WritePropertyName("usage");
        ResponseWriter.WriteUsage(w, result.Usage);
    });

    /// <summary>A stream chunk; the last one (with <paramref name="result"/>) has the finish reason and usage.</summary>
    public static byte[] Chunk(bool chat, string id, long created, string model, string delta, bool first, GenerationResult? result) => ResponseWriter.Write(w =>
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
            w.WriteString("finish_reason", ResponseWriter.WireFinishReason(result.FinishReason));
        }
        w.WriteEndObject();
        w.WriteEndArray();
        if (result is not null)
        {
            w.WritePropertyName("usage");
            ResponseWriter.WriteUsage(w, result.Usage);
        }
    });

    private static void Header(Utf8JsonWriter w, string kind, string id, long created, string model)
    {
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
    }
}
