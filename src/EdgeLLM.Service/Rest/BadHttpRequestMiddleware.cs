using EdgeLLM.Service.Ollama;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Service.Rest;

/// <summary>
/// Turns Kestrel's own refusals of a request it already routed (a body over its size limit, a malformed chunked
/// body, a body slower than <c>MinRequestBodyDataRate</c>: 408 <c>request_timeout</c>) into OpenAI's JSON error shape
/// (Ollama's on <c>/api</c>) instead of an empty response, so every REST client can read why (issues 18 and 27).
/// Headers that never finish arriving are another matter: Kestrel answers that 408 before any request exists, so
/// no middleware sees it (docs/LIMITS.md, "Timeouts").
/// </summary>
public sealed class BadHttpRequestMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            if (OllamaError.Owns(context.Request.Path))
            {
                await OllamaError.WriteAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
                return;
            }
            var code = e.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "payload_too_large",
                StatusCodes.Status408RequestTimeout => "request_timeout",
                _ => "bad_request",
            };
            await OpenAiError.WriteAsync(context, e.StatusCode, code, e.Message).ConfigureAwait(false);
        }
    }
}
