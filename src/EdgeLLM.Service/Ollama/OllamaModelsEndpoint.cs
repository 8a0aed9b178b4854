using System.Text.Json;
using EdgeLLM.Ota.Device;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Rest;
using EdgeLLM.Serving.Configuration;
using EdgeLLM.Serving.Loading;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Ollama's model endpoints over what this device serves: <c>GET /api/tags</c> (installed), <c>GET /api/ps</c>
/// (loaded), <c>POST /api/show</c>, <c>POST /api/pull</c> (success for a model that is here; models arrive by OTA,
/// so anything else is a 404 saying so) and <c>GET /api/version</c>.
/// </summary>
public sealed class OllamaModelsEndpoint(OllamaModels models, IOptions<EdgeLLMOptions> options, TimeProvider time)
{
    /// <summary>What /api/ps reports as the expiry of a model that stays loaded (the serving model, one kept for good or in use).</summary>
    private const string NeverExpires = "9999-12-31T23:59:59Z";
    private readonly OllamaRequestReader _reader = new(options.Value.Http.MaxRequestBytes, time);
    private readonly int _maxBytes = options.Value.Http.MaxRequestBytes;

    public Task TagsAsync(HttpContext context) => WriteAsync(context, ResponseWriter.Write(w =>
    {
        w.WriteStartArray("models");
        foreach (var model in models.Installed())
        {
            w.WriteStartObject();
            OllamaModelInfo.WriteListing(w, model, model.Installed.WeightsBytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }));

    public Task RunningAsync(HttpContext context) => WriteAsync(context, ResponseWriter.Write(w =>
    {
        w.WriteStartArray("models");
        foreach (var (model, loaded, expiresAt) in models.Running())
        {
            w.WriteStartObject();
            // /api/ps's size is what the model holds in memory (weights and KV cache), not its files.
            OllamaModelInfo.WriteListing(w, model, loaded.MemoryBytes);
            w.WriteString("expires_at", expiresAt is { } at ? OllamaResponses.Timestamp(at) : NeverExpires);
            w.WriteNumber("size_vram", OnCpu(loaded) ? 0 : loaded.MemoryBytes);
            w.WriteNumber("context_length", loaded.Model.MaxSequenceLength);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }));

    public static Task VersionAsync(HttpContext context) =>
        WriteAsync(context, ResponseWriter.Write(w => w.WriteString("version", OtaDeviceContext.CurrentRuntimeVersion)));

    public async Task ShowAsync(HttpContext context)
    {
        if (await ReadNamedAsync(context).ConfigureAwait(false) is not { } name)
        {
            return;
        }
        if (models.Find(name) is not { } model)
        {
            await models.WriteNotFoundAsync(context, name, "").ConfigureAwait(false);
            return;
        }
        var loaded = models.Running().FirstOrDefault(r => r.Model.Installed.Directory == model.Installed.Directory).Loaded;
        await WriteAsync(context, Show(model.Installed, loaded)).ConfigureAwait(false);
    }

    public async Task PullAsync(HttpContext context)
    {
        var body = await RequestBody.ReadAsync(context.Request, _maxBytes, context.RequestAborted).ConfigureAwait(false);
        var parsed = body is null ? null : _reader.ReadModelName(body);
        if (await ReadNamedAsync(context, body, parsed).ConfigureAwait(false) is not { } name)
        {
            return;
        }
        if (models.Find(name) is null)
        {
            await models.WriteNotFoundAsync(context, name, " and cannot be pulled: EdgeLLM's models arrive by OTA (POST /v1/admin/ota, or the device's MQTT ota topic)").ConfigureAwait(false);
            return;
        }
        // The model is here: Ollama's pull of an up-to-date model ends in one line, {"status":"success"}.
        var success = ResponseWriter.Write(w => w.WriteString("status", "success"));
        if (parsed!.Stream)
        {
            context.Response.ContentType = OllamaGenerationEndpoint.NdjsonContentType;
            await context.Response.Body.WriteAsync(success, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await WriteAsync(context, success).ConfigureAwait(false);
    }

    private async Task<string?> ReadNamedAsync(HttpContext context)
    {
        var body = await RequestBody.ReadAsync(context.Request, _maxBytes, context.RequestAborted).ConfigureAwait(false);
        return await ReadNamedAsync(context, body, body is null ? null : _reader.ReadModelName(body)).ConfigureAwait(false);
    }

    /// <summary>The model the body names, or null once an error has been answered.</summary>
    private async Task<string?> ReadNamedAsync(HttpContext context, byte[]? body, OllamaRequest? parsed)
    {
        if (body is null)
        {
            context.Response.Headers.Connection = "close";
            await OllamaError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"the request body exceeds {_maxBytes} bytes").ConfigureAwait(false);
            return null;
        }
        if (parsed!.Error is { } error)
        {
            await OllamaError.WriteAsync(context, error).ConfigureAwait(false);
            return null;
        }
        return parsed.Model;
    }

    /// <summary>
    /// <c>/api/show</c>: <c>details</c>, <c>model_info</c> (GGUF-style keys where they have a meaning here, EdgeLLM's
    /// own under <c>edgellm.</c>; memory and provider once it is loaded), the chat template, and <c>capabilities</c>:
    /// <c>completion</c>, and <c>tools</c> for a model with a chat template, since EdgeLLM constrains any model's
    /// answer to a valid tool call.
    /// </summary>
    private static byte[] Show(InstalledModel model, LoadedModel? loaded) => ResponseWriter.Write(w =>
    {
        var id = model.Identity;
        w.WriteString("license", "");
        w.WriteString("modelfile", $"# EdgeLLM model {id.Id} {id.Version}, from {model.Directory}\n");
        w.WriteString("parameters", "");
        w.WriteString("template", model.ChatTemplate ?? "");
        OllamaModelInfo.WriteDetails(w, model);
        w.WriteStartObject("model_info");
        w.WriteString("general.architecture", model.Family);
        w.WriteString("general.basename", id.Id);
        w.WriteNumber($"{model.Family}.context_length", loaded?.Model.MaxSequenceLength ?? model.ContextLength);
        w.WriteNumber($"{model.Family}.vocab_size", model.VocabSize);
        w.WriteString("edgellm.version", id.Version);
        w.WriteString("edgellm.quantization", id.Quantization);
        if (loaded is not null)
        {
            w.WriteString("edgellm.execution_provider", loaded.Model.ExecutionProvider);
            w.WriteNumber("edgellm.memory_bytes", loaded.MemoryBytes);
        }
        w.WriteEndObject();
        w.WriteStartArray("capabilities");
        w.WriteStringValue("completion");
        if (model.ChatTemplate is not null)
        {
            w.WriteStringValue("tools");
        }
        w.WriteEndArray();
        w.WriteString("modified_at", OllamaResponses.Timestamp(model.ModifiedAt));
    });

    private static bool OnCpu(LoadedModel model) => model.Model.ExecutionProvider.StartsWith("CPU", StringComparison.OrdinalIgnoreCase);

    private static Task WriteAsync(HttpContext context, byte[] json)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(json, context.RequestAborted).AsTask();
    }
}
