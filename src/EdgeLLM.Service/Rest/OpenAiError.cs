using System.Buffers;
using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Service.Rest;

/// <summary>OpenAI's error shape <c>{"error":{"message","type","code"}}</c> and the status code for each contract error.</summary>
public static class OpenAiError
{
    public static int StatusFor(GenerationErrorCode code) => code switch
    {
        GenerationErrorCode.BadRequest or GenerationErrorCode.ContextOverflow => StatusCodes.Status400BadRequest,
        GenerationErrorCode.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        GenerationErrorCode.Overloaded or GenerationErrorCode.OverBudget => StatusCodes.Status429TooManyRequests,
        GenerationErrorCode.ModelUnavailable or GenerationErrorCode.DeadlineExceeded => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static string TypeFor(int status) => status switch
    {
        401 => "authentication_error",
        404 or 400 or 405 or 413 => "invalid_request_error",
        429 => "rate_limit_error",
        _ => "server_error",
    };

    public static byte[] Body(string message, string type, string code)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", type);
            writer.WriteString("code", code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        if (status == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = "1";
        }
        return context.Response.Body.WriteAsync(Body(message, TypeFor(status), code)).AsTask();
    }

    public static Task WriteAsync(HttpContext context, GenerationException e) =>
        WriteAsync(context, StatusFor(e.Code), e.WireCode, e.Message);
}
