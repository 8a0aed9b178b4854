using System.Buffers;
using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Service.Rest;

/// <summary>
/// OpenAI's error shape <c>{"error":{"message","type","param","code"}}</c> and the status code for each contract error.
/// <c>param</c> is the request field at fault (<c>messages[1].content</c>, <c>temperature</c>), null when no single field
/// is: OpenAI's SDKs expose it as <c>error.param</c>, so a client can point at the field without parsing the message.
/// </summary>
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
        // A client too slow to send its body (408) made the mistake, as with any other refused request.
        404 or 400 or 405 or 408 or 413 => "invalid_request_error",
        429 => "rate_limit_error",
        _ => "server_error",
    };

    public static byte[] Body(string message, string type, string code, string? param = null)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", type);
            // Always present, as OpenAI writes it: null says "no single field", not "unknown".
            writer.WriteString("param", param);
            writer.WriteString("code", code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string message, string? param = null)
    {
        ErrorResponseHead.Write(context.Response, status, "application/json");
        return context.Response.Body.WriteAsync(Body(message, TypeFor(status), code, param)).AsTask();
    }

    /// <summary>A contract error; <paramref name="param"/> is the field as this request named it (see <see cref="ParamFor"/>).</summary>
    public static Task WriteAsync(HttpContext context, GenerationException e, string? param) =>
        WriteAsync(context, StatusFor(e.Code), e.WireCode, e.Message, param);

    /// <summary>
    /// The error as an SSE event, for a stream that fails after its first chunk (its status is already sent).
    /// </summary>
    public static byte[] Event(GenerationException e, string? param) => Body(e.Message, TypeFor(StatusFor(e.Code)), e.WireCode, param);

    /// <summary>
    /// OpenAI's <c>param</c> for a contract error: the field the error names. The runtime calls a constraint's field
    /// <c>response_format</c>; a request that brought <c>tools</c> built its constraint from them, so that is its field.
    /// </summary>
    public static string? ParamFor(GenerationException e, bool tools) =>
        tools && e.Field == "response_format" ? "tools" : e.Field;
}
