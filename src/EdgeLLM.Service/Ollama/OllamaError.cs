using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Ollama's error shape, <c>{"error":"…"}</c> with <c>application/json</c>, which both ollama clients read on a non-2xx
/// answer (and raise on when it arrives as a stream line). Statuses are the REST API's for each contract error, so Home
/// Assistant reads 429 as "try later", 401 as "re-authenticate" and other 4xx as the client's mistake.
/// </summary>
public static class OllamaError
{
    /// <summary>The body, also the last line of a stream that fails after it started.</summary>
    public static byte[] Body(string message) => ResponseWriter.Write(w => w.WriteString("error", message));

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        ErrorResponseHead.Write(context.Response, status, "application/json; charset=utf-8");
        return context.Response.Body.WriteAsync(Body(message), context.RequestAborted).AsTask();
    }

    public static Task WriteAsync(HttpContext context, GenerationException e) =>
        WriteAsync(context, OpenAiError.StatusFor(e.Code), e.Message);

    /// <summary>True for the paths this shape answers on (<c>/api/…</c>), so shared middleware can pick it.</summary>
    public static bool Owns(PathString path) => path.StartsWithSegments("/api", StringComparison.Ordinal);
}
