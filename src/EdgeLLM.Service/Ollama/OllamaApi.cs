using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Ollama's API on the REST listener (contract section 3, v1.2), for Home Assistant's Ollama integration and the
/// <c>ollama</c> clients: a thin dialect over the same gateway, readers and constraints as the OpenAI endpoints.
/// </summary>
public static class OllamaApi
{
    /// <summary>What Ollama answers on <c>/</c>: clients and people probe it to see a server is there.</summary>
    public const string Banner = "Ollama is running";

    public static IEndpointRouteBuilder MapOllamaApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/chat", (HttpContext c, OllamaGenerationEndpoint e) => e.HandleAsync(c, OllamaEndpointKind.Chat));
        app.MapPost("/api/generate", (HttpContext c, OllamaGenerationEndpoint e) => e.HandleAsync(c, OllamaEndpointKind.Generate));
        app.MapGet("/api/tags", (HttpContext c, OllamaModelsEndpoint e) => e.TagsAsync(c));
        app.MapGet("/api/ps", (HttpContext c, OllamaModelsEndpoint e) => e.RunningAsync(c));
        app.MapGet("/api/version", OllamaModelsEndpoint.VersionAsync);
        app.MapPost("/api/show", (HttpContext c, OllamaModelsEndpoint e) => e.ShowAsync(c));
        app.MapPost("/api/pull", (HttpContext c, OllamaModelsEndpoint e) => e.PullAsync(c));
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext c) =>
        {
            c.Response.ContentType = "text/plain; charset=utf-8";
            return HttpMethods.IsHead(c.Request.Method) ? Task.CompletedTask : c.Response.WriteAsync(Banner, c.RequestAborted);
        });
        app.MapFallback("/api/{**rest}", (HttpContext c) => AllowedMethod(c.Request.Path) is { } allowed
            ? MethodNotAllowedAsync(c, allowed)
            : OllamaError.WriteAsync(c, StatusCodes.Status404NotFound, $"no route {c.Request.Method} {c.Request.Path}: EdgeLLM serves /api/chat, /api/generate, /api/tags, /api/show, /api/ps, /api/version and /api/pull"));
        return app;
    }

    /// <summary>The method an /api path takes, or null when no route has that path (then 404, not 405).</summary>
    private static string? AllowedMethod(PathString path) => (path.Value?.TrimEnd('/') ?? "") switch
    {
        "/api/chat" or "/api/generate" or "/api/show" or "/api/pull" => HttpMethods.Post,
        "/api/tags" or "/api/ps" or "/api/version" => HttpMethods.Get,
        _ => null,
    };

    private static Task MethodNotAllowedAsync(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return OllamaError.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, $"{context.Request.Path} takes {allowed}, not {context.Request.Method}");
    }
}
