using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Rest;
using EdgeLLM.Serving.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// <c>POST /api/chat</c> and <c>POST /api/generate</c>: reads Ollama's body, runs it through the same gateway as every
/// other transport (admission, budgets, priorities, metrics under <c>transport="ollama"</c>), and answers Ollama's
/// NDJSON stream (the default) or one object. Errors known before the first line get their HTTP status and
/// <c>{"error"}</c>; a later one is the stream's last line, <c>{"error"}</c>, which both ollama clients raise.
/// A request naming an installed model other than the serving one holds it through <see cref="ModelPool"/> (loading it
/// when the memory budget allows) for as long as it runs.
/// </summary>
public sealed class OllamaGenerationEndpoint(GenerationGateway gateway, OllamaModels models, ModelHost host, ModelPool pool, IOptions<EdgeLLMOptions> options, TimeProvider time)
{
    public const string Transport = "ollama";
    public const string NdjsonContentType = "application/x-ndjson";
    private static readonly byte[] LineEnd = "\n"u8.ToArray();
    private readonly OllamaRequestReader _reader = new(options.Value.Http.MaxRequestBytes, time);
    private readonly int _maxBytes = options.Value.Http.MaxRequestBytes;

    public async Task HandleAsync(HttpContext context, OllamaEndpointKind kind)
    {
        var body = await RequestBody.ReadAsync(context.Request, _maxBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            gateway.RecordRejected(Transport, GenerationErrorCode.PayloadTooLarge);
            // The rest of the body is not read; a client must not send its next request on this connection.
            context.Response.Headers.Connection = "close";
            await OllamaError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"the request body exceeds {_maxBytes} bytes").ConfigureAwait(false);
            return;
        }
        var parsed = _reader.Read(body, kind);
        if (parsed.Error is { } error)
        {
            gateway.RecordRejected(Transport, error.Code);
            await OllamaError.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }
        if (models.Find(parsed.Model!) is not { } target || host.Current is null)
        {
            gateway.RecordRejected(Transport, GenerationErrorCode.ModelUnavailable);
            await models.WriteNotFoundAsync(context, parsed.Model!, " (EdgeLLM's models arrive by OTA; they cannot be pulled)").ConfigureAwait(false);
            return;
        }
        ModelLease? lease = null;
        if (!target.Serving)
        {
            try
            {
                lease = await pool.AcquireAsync(target.Installed, (parsed.KeepAlive ?? KeepAlive.Default).Duration, context.RequestAborted).ConfigureAwait(false);
            }
            catch (GenerationException e)
            {
                gateway.RecordRejected(Transport, e.Code);
                await OllamaError.WriteAsync(context, e).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client left while another model loaded: nobody to answer.
                return;
            }
        }
        using (lease)
        {
            await RunAsync(context, kind, parsed, target, lease).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(HttpContext context, OllamaEndpointKind kind, OllamaRequest parsed, OllamaModel target, ModelLease? lease)
    {
        var createdAt = OllamaResponses.Timestamp(time.GetUtcNow());
        if (parsed.LoadOnly)
        {
            // Ollama loads the model and answers at once; keep_alive 0 unloads it, which the serving model never is.
            var reason = !target.Serving && parsed.KeepAlive?.Duration == TimeSpan.Zero ? "unload" : "load";
            await WriteObjectAsync(context, parsed.Stream, OllamaResponses.Loaded(kind, parsed.Model!, createdAt, reason)).ConfigureAwait(false);
            return;
        }
        GenerationStream stream;
        try
        {
            stream = gateway.Stream(parsed.Request!, Transport, context.RequestAborted, lease?.Model.Engine);
        }
        catch (GenerationException e)
        {
            await OllamaError.WriteAsync(context, e).ConfigureAwait(false);
            return;
        }
        var answer = new Answer(kind, parsed.Model!, createdAt, parsed.Tools is not null);
        if (parsed.Stream)
        {
            await StreamAsync(context, stream, answer).ConfigureAwait(false);
        }
        else
        {
            await AnswerAsync(context, stream, answer).ConfigureAwait(false);
        }
    }

    private static async Task AnswerAsync(HttpContext context, GenerationStream stream, Answer answer)
    {
        GenerationResult result;
        try
        {
            result = await stream.Result.ConfigureAwait(false);
        }
        catch (GenerationException e)
        {
            await OllamaError.WriteAsync(context, e).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        var call = answer.Tools ? ToolCall.FromAnswer(result.Text) : null;
        await WriteObjectAsync(context, stream: false, OllamaResponses.Final(answer.Kind, answer.Model, answer.CreatedAt, result, call, whole: true)).ConfigureAwait(false);
    }

    /// <summary>
    /// NDJSON lines. An answer that calls a tool holds its text back and sends the call as one line with object
    /// arguments before the last line. An error before the first token still gets its HTTP status (nothing is sent
    /// before the first delta or the end).
    /// </summary>
    private static async Task StreamAsync(HttpContext context, GenerationStream stream, Answer answer)
    {
        var deltas = stream.GetAsyncEnumerator(CancellationToken.None);
        await using (deltas.ConfigureAwait(false))
        {
            var any = await deltas.MoveNextAsync().ConfigureAwait(false);
            if (!any)
            {
                await ((Task)stream.Result).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stream.Result.IsFaulted)
                {
                    await AnswerAsync(context, stream, answer).ConfigureAwait(false);
                    return;
                }
            }
            var response = context.Response;
            response.ContentType = NdjsonContentType;
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            try
            {
                if (any)
                {
                    do
                    {
                        if (!answer.Tools && deltas.Current.Text.Length > 0)
                        {
                            await WriteLineAsync(response, OllamaResponses.Delta(answer.Kind, answer.Model, answer.CreatedAt, deltas.Current.Text), context.RequestAborted).ConfigureAwait(false);
                        }
                    }
                    while (await deltas.MoveNextAsync().ConfigureAwait(false));
                }
                var result = await stream.Result.ConfigureAwait(false);
                if (answer.Tools)
                {
                    // A call is sent whole; an answer cut short before it became one is sent as the text it is.
                    var line = ToolCall.FromAnswer(result.Text) is { } call
                        ? OllamaResponses.ToolCallLine(answer.Model, answer.CreatedAt, call)
                        : OllamaResponses.Delta(answer.Kind, answer.Model, answer.CreatedAt, result.Text);
                    await WriteLineAsync(response, line, context.RequestAborted).ConfigureAwait(false);
                }
                await WriteLineAsync(response, OllamaResponses.Final(answer.Kind, answer.Model, answer.CreatedAt, result, null, whole: false), context.RequestAborted).ConfigureAwait(false);
            }
            catch (GenerationException e)
            {
                await WriteLineAsync(response, OllamaError.Body(e.Message), context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One object: a line of NDJSON when the client asked for a stream, else a JSON body.</summary>
    private static async Task WriteObjectAsync(HttpContext context, bool stream, byte[] json)
    {
        context.Response.ContentType = stream ? NdjsonContentType : "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
        if (stream)
        {
            await context.Response.Body.WriteAsync(LineEnd, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task WriteLineAsync(HttpResponse response, byte[] json, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(json, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(LineEnd, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What every line of one answer shares.</summary>
    private sealed record Answer(OllamaEndpointKind Kind, string Model, string CreatedAt, bool Tools);
}
