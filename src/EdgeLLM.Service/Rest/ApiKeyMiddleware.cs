using System.Security.Cryptography;
using System.Text;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Ollama;
using EdgeLLM.Serving.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Rest;

/// <summary>
/// Bearer keys for the <c>/v1</c> API and Ollama's <c>/api</c> (the same keys: the ollama clients send
/// <c>Authorization: Bearer</c>): required on every call once the service listens anywhere but loopback, and always
/// for <c>/v1/admin</c>. Keys are compared in constant time. A refusal is in the shape of the API that was called.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<EdgeLLMOptions> options)
{
    private readonly byte[][] _keys = options.Value.Http.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Encoding.UTF8.GetBytes).ToArray();
    private readonly bool _offLoopback = options.Value.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Any(u => !ListenAddress.IsLoopback(u));

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var admin = path.StartsWithSegments("/v1/admin", StringComparison.Ordinal);
        var guarded = path.StartsWithSegments("/v1", StringComparison.Ordinal) || OllamaError.Owns(path);
        if (!guarded || (!admin && !_offLoopback))
        {
            return next(context);
        }
        if (_keys.Length == 0)
        {
            return RefuseAsync(context, "this call needs an API key, and none is configured (EdgeLLM:Http:ApiKeys)");
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return RefuseAsync(context, "missing 'Authorization: Bearer <key>' header");
        }
        var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(given, key))
            {
                return next(context);
            }
        }
        return RefuseAsync(context, "the API key is not valid");
    }

    private static Task RefuseAsync(HttpContext context, string message) => OllamaError.Owns(context.Request.Path)
        ? OllamaError.WriteAsync(context, StatusCodes.Status401Unauthorized, message)
        : OpenAiError.WriteAsync(context, StatusCodes.Status401Unauthorized, "invalid_api_key", message);
}
