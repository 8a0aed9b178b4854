using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLLM.Ota.Device;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Metrics;
using EdgeLLM.Serving.Loading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeLLM.Service.Rest;

/// <summary>The local REST API of contract section 3.</summary>
public static class RestApi
{
    public static IEndpointRouteBuilder MapEdgeLLMApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", (HttpContext c, CompletionEndpoint e) => e.HandleAsync(c, chat: true));
        app.MapPost("/v1/completions", (HttpContext c, CompletionEndpoint e) => e.HandleAsync(c, chat: false));
        app.MapGet("/v1/models", (ModelHost host) => Results.Json(ModelList(host), RestJson.Default.ModelListResponse));
        app.MapGet("/v1/models/{id}", (string id, HttpContext c, ModelHost host) =>
        {
            var entry = ModelList(host).Data.FirstOrDefault(m => m.Id == id);
            return entry is null
                ? OpenAiError.WriteAsync(c, 404, "model_not_found", $"the model '{id}' does not exist here")
                : c.Response.WriteAsJsonAsync(entry, RestJson.Default.ModelEntry);
        });
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (ModelHost host) => host.IsReady
            ? Results.Text("ready\n")
            : Results.Text("not ready: no model is serving\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/metrics", (ServiceMetrics metrics) => Results.Text(metrics.Render(), PrometheusWriter.ContentType));
        app.MapPost("/v1/admin/ota", SubmitOtaAsync);
        app.MapFallback("/v1/{**rest}", (HttpContext c) => AllowedMethod(c.Request.Path) is { } allowed
            ? MethodNotAllowedAsync(c, allowed)
            : OpenAiError.WriteAsync(c, 404, "not_found", $"no route {c.Request.Method} {c.Request.Path}"));
        return app;
    }

    /// <summary>The method a /v1 path takes, or null when no route has that path (the fallback then answers 404, not 405).</summary>
    private static string? AllowedMethod(PathString path)
    {
        var p = path.Value?.TrimEnd('/') ?? "";
        return p switch
        {
            "/v1/chat/completions" or "/v1/completions" or "/v1/admin/ota" => HttpMethods.Post,
            "/v1/models" => HttpMethods.Get,
            _ when p.StartsWith("/v1/models/", StringComparison.Ordinal) && p.IndexOf('/', "/v1/models/".Length) < 0 => HttpMethods.Get,
            _ => null,
        };
    }

    private static Task MethodNotAllowedAsync(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return OpenAiError.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
            $"{context.Request.Path} takes {allowed}, not {context.Request.Method}");
    }

    private static ModelListResponse ModelList(ModelHost host)
    {
        var data = new List<ModelEntry>();
        if (host.Current is { } current)
        {
            var id = current.Model.Identity;
            data.Add(new ModelEntry
            {
                Id = id.Id,
                Created = current.LoadedAt.ToUnixTimeSeconds(),
                Version = id.Version,
                Quantization = id.Quantization,
                MemoryBytes = current.MemoryBytes,
                Memory = current.CurrentFootprint(),
                ExecutionProvider = current.ExecutionProvider,
                ContextLength = current.Model.MaxSequenceLength,
            });
        }
        return new ModelListResponse("list", data);
    }

    private static async Task SubmitOtaAsync(HttpContext context)
    {
        var updater = context.RequestServices.GetService<OtaUpdater>();
        if (updater is null)
        {
            await OpenAiError.WriteAsync(context, 503, "ota_disabled", "OTA updates are not enabled on this device").ConfigureAwait(false);
            return;
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        if (body.Length is 0 or > 1 << 20)
        {
            await OpenAiError.WriteAsync(context, 400, "bad_request", "the body must be an OTA manifest (JSON, at most 1 MiB)").ConfigureAwait(false);
            return;
        }
        var result = await updater.SubmitAsync(body.ToArray(), context.RequestAborted).ConfigureAwait(false);
        // The update was processed either way; its outcome (active, rejected, rolled_back) is in the status body.
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(result.Status.ToJson(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>OpenAI's model list.</summary>
    public sealed record ModelListResponse(string Object, IReadOnlyList<ModelEntry> Data);

    /// <summary>One model: OpenAI's fields plus version, quantization and memory (serialised in this order).</summary>
    public sealed record ModelEntry
    {
        public required string Id { get; init; }

        public string Object { get; init; } = "model";

        public required long Created { get; init; }

        public string OwnedBy { get; init; } = "edgellm";

        public required string Version { get; init; }

        public required string Quantization { get; init; }

        /// <summary>What the model adds to the process at its full batch (<see cref="ModelFootprint.ModelBytes"/>).</summary>
        public required long MemoryBytes { get; init; }

        /// <summary>The parts of <see cref="MemoryBytes"/> and the runtime beside them, as measured at load (EdgeLLM's
        /// extension of contract section 3: docs/MEMORY.md).</summary>
        public required ModelFootprint Memory { get; init; }

        public required string ExecutionProvider { get; init; }

        public required int ContextLength { get; init; }
    }
}

/// <summary>The REST API's source-generated serializers (Native AOT): web defaults with snake_case names.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RestApi.ModelListResponse))]
internal sealed partial class RestJson : JsonSerializerContext;
