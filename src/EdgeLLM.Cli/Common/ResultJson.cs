using System.Text;
using System.Text.Json;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Cli.Common;

/// <summary>The contract's final message (section 2) as one JSON line, success or error.</summary>
internal static class ResultJson
{
    public static string Final(GenerationResult r)
    {
        return Write(w =>
        {
            w.WriteString("id", r.Id);
            w.WriteBoolean("done", true);
            w.WriteString("model", r.Model);
            w.WriteString("text", r.Text);
            w.WriteString("finish_reason", FinishReasonName(r.FinishReason));
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", r.Usage.PromptTokens);
            w.WriteNumber("completion_tokens", r.Usage.CompletionTokens);
            w.WriteNumber("ttft_ms", Math.Round(r.Usage.TimeToFirstTokenMs, 3));
            w.WriteNumber("total_ms", Math.Round(r.Usage.TotalMs, 3));
            w.WriteNumber("tokens_per_s", Math.Round(r.Usage.TokensPerSecond, 3));
            w.WriteNumber("energy_j", Math.Round(r.Usage.EnergyJ, 6));
            w.WriteEndObject();
        });
    }

    public static string Error(string? id, string code, string message)
    {
        return Write(w =>
        {
            w.WriteString("id", id);
            w.WriteBoolean("done", true);
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
        });
    }

    public static string FinishReasonName(FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.Budget => "budget",
        _ => "cancelled",
    };

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
