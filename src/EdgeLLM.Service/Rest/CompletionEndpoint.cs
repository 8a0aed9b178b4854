using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Rest;

/// <summary>
/// <c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c>: reads the OpenAI body with the contract's
/// reader, runs it through the gateway, and answers one JSON body or an SSE stream ending in <c>data: [DONE]</c>.
/// Errors known before the first token get their HTTP status; later ones arrive as an SSE error event.
/// </summary>
public sealed class CompletionEndpoint(GenerationGateway gateway, ModelHost host, IOptions<EdgeLLMOptions> options)
{
    public const string Transport = "http";
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private readonly RequestReader _reader = new(options.Value.Http.MaxRequestBytes);
    private readonly int _maxBytes = options.Value.Http.MaxRequestBytes;

    public async Task HandleAsync(HttpContext context, bool chat)
    {
        var body = await RequestBody.ReadAsync(context.Request, _maxBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            gateway.RecordRejected(Transport, GenerationErrorCode.PayloadTooLarge);
            // The rest of the body is not read; a client must not send its next request on this connection.
            context.Response.Headers.Connection = "close";
            await OpenAiError.WriteAsync(context, 413, "payload_too_large", $"the request body exceeds {_maxBytes} bytes").ConfigureAwait(false);
            return;
        }
        var parsed = _reader.Read(body, chat ? RequestDialect.OpenAiChat : RequestDialect.OpenAiCompletion);
        if (parsed.Error is { } error)
        {
            gateway.RecordRejected(Transport, error.Code);
            await OpenAiError.WriteAsync(context, error, error.Field).ConfigureAwait(false);
            return;
        }
        var request = parsed.Request!;
        if (request.Model is { } wanted && host.Current is { } current && wanted != current.Model.Identity.Id)
        {
            // Counted under the code the client is answered with, so /metrics and the client's logs agree.
            gateway.RecordRejected(Transport, "model_not_found");
            await OpenAiError.WriteAsync(context, 404, "model_not_found", $"the model '{wanted}' does not exist here; this device serves '{current.Model.Identity.Id}'", "model").ConfigureAwait(false);
            return;
        }
        var shape = new ReplyShape(chat, (chat ? "chatcmpl-" : "cmpl-") + parsed.Id, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), chat && parsed.Tools is not null, parsed.IncludeUsage);
        GenerationStream stream;
        try
        {
            stream = gateway.Stream(request, Transport, context.RequestAborted);
        }
        catch (GenerationException e)
        {
            await OpenAiError.WriteAsync(context, e, OpenAiError.ParamFor(e, shape.Tools)).ConfigureAwait(false);
            return;
        }
        if (parsed.Stream)
        {
            await StreamAsync(context, stream, shape, host.Current?.Model.Identity.Id ?? "").ConfigureAwait(false);
        }
        else
        {
            await AnswerAsync(context, stream, shape).ConfigureAwait(false);
        }
    }

    private static async Task AnswerAsync(HttpContext context, GenerationStream stream, ReplyShape shape)
    {
        GenerationResult result;
        try
        {
            result = await stream.Result.ConfigureAwait(false);
        }
        catch (GenerationException e)
        {
            await OpenAiError.WriteAsync(context, e, OpenAiError.ParamFor(e, shape.Tools)).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        context.Response.ContentType = "application/json";
        var call = shape.Tools ? ToolCall.FromAnswer(result.Text) : null;
        await context.Response.Body.WriteAsync(OpenAiResponses.Completion(shape.Chat, shape.Id, shape.Created, result, call), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>SSE chunks; an answer that calls a tool holds its text back and sends the call as one tool-call delta
    /// before the last chunk. An error before the first delta still gets its HTTP status (no header is sent before
    /// the first delta or the end); a later one arrives as an SSE error event. A request with
    /// <c>stream_options.include_usage</c> gets the usage in a chunk of its own after the finish reason, as OpenAI sends it.</summary>
    private static async Task StreamAsync(HttpContext context, GenerationStream stream, ReplyShape shape, string model)
    {
        var deltas = stream.GetAsyncEnumerator(CancellationToken.None);
        await using (deltas.ConfigureAwait(false))
        {
            var any = await deltas.MoveNextAsync().ConfigureAwait(false);
            if (!any)
            {
                await ((Task)stream.Result).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            if (!any && stream.Result.IsFaulted)
            {
                await AnswerAsync(context, stream, shape).ConfigureAwait(false);
                return;
            }
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            var (chat, id, created, tools, includeUsage) = shape;
            var first = true;
            try
            {
                if (any)
                {
                    do
                    {
                        var delta = tools ? "" : deltas.Current.Text;
                        if (delta.Length > 0 || first)
                        {
                            await WriteEventAsync(response, OpenAiResponses.Chunk(chat, id, created, model, delta, first, null, false, includeUsage), context.RequestAborted).ConfigureAwait(false);
                            first = false;
                        }
                    }
                    while (await deltas.MoveNextAsync().ConfigureAwait(false));
                }
                var result = await stream.Result.ConfigureAwait(false);
                var call = tools ? ToolCall.FromAnswer(result.Text) : null;
                if (call is not null)
                {
                    await WriteEventAsync(response, OpenAiResponses.ToolCallChunk(id, created, result.Model, call, includeUsage), context.RequestAborted).ConfigureAwait(false);
                }
                await WriteEventAsync(response, OpenAiResponses.Chunk(chat, id, created, result.Model, "", first, result, call is not null, includeUsage), context.RequestAborted).ConfigureAwait(false);
                if (includeUsage)
                {
                    await WriteEventAsync(response, OpenAiResponses.UsageChunk(chat, id, created, result), context.RequestAborted).ConfigureAwait(false);
                }
            }
            catch (GenerationException e)
            {
                await WriteEventAsync(response, OpenAiError.Event(e, OpenAiError.ParamFor(e, tools)), context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            await response.Body.WriteAsync(Done, context.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, byte[] json, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(DataPrefix, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(json, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(EventEnd, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
