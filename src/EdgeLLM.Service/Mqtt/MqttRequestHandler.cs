using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// Answers one MQTT request as contract section 2 says: the reply topic is the MQTT 5 Response Topic (with its
/// Correlation Data copied back), else <c>reply_to</c>, else <c>{root}/{device}/response/{id}</c>; stream chunks
/// when asked; exactly one final, an error final for every bad input (<c>id</c> null on
/// <c>{root}/{device}/response/error</c> when the payload could not be read); re-deliveries answered from the
/// dedup store instead of running twice.
/// </summary>
public sealed partial class MqttRequestHandler(
    GenerationGateway gateway, RequestReader reader, DedupStore dedup, IMqttOutbox outbox, TopicNames topics,
    ILogger<MqttRequestHandler> logger)
{
    public const string Transport = "mqtt";

    public async Task HandleAsync(MqttRequest message, CancellationToken stopping)
    {
        var parsed = reader.Read(message.Payload.Span, RequestDialect.Mqtt);
        var topic = message.ResponseTopic ?? parsed.ReplyTo ?? DefaultReplyTopic(parsed.Id);
        if (topic is null)
        {
            // An id that cannot be part of a topic ('+', '#'): answer on the error topic, naming the problem.
            await PublishAsync(topics.ResponseError, ResponseWriter.Error(parsed.Id, GenerationErrorCode.BadRequest,
                "id: must not contain '+', '#' or characters MQTT topics cannot hold, as it names the reply topic"), message.CorrelationData).ConfigureAwait(false);
            return;
        }
        if (parsed.Error is { } error)
        {
            LogRejected(logger, parsed.Id ?? "(none)", error.WireCode, error.Message);
            await PublishAsync(topic, ResponseWriter.Error(parsed.Id, error.Code, error.Message), message.CorrelationData).ConfigureAwait(false);
            return;
        }
        var id = parsed.Id!;
        switch (dedup.Begin(topic, id, out var stored))
        {
            case DedupDecision.Replay:
                LogReplayed(logger, id);
                await PublishAsync(topic, stored!, message.CorrelationData).ConfigureAwait(false);
                return;
            case DedupDecision.AlreadyRunning:
                LogDuplicateRunning(logger, id);
                return;
        }
        byte[] final;
        try
        {
            final = await RunAsync(parsed, topic, message.CorrelationData, stopping).ConfigureAwait(false);
        }
        catch (GenerationException e)
        {
            final = ResponseWriter.Error(id, e.Code, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, id, e);
            final = ResponseWriter.Error(id, GenerationErrorCode.Internal, "the request failed inside the service; see its log");
        }
        dedup.Complete(topic, id, final);
        await PublishAsync(topic, final, message.CorrelationData).ConfigureAwait(false);
    }

    private async Task<byte[]> RunAsync(ParsedRequest parsed, string topic, ReadOnlyMemory<byte> correlation, CancellationToken stopping)
    {
        var seq = 0;
        // The engine drains on stop and ends what is left as cancelled, so the request is not cancelled here:
        // it always reaches its own final answer.
        await foreach (var update in gateway.StreamAsync(parsed.Request!, Transport, CancellationToken.None).ConfigureAwait(false))
        {
            if (update.Result is { } result)
            {
                return ResponseWriter.Final(result, parsed.Tools is null ? null : ToolCall.FromAnswer(result.Text));
            }
            if (parsed.Stream && update.Delta.Length > 0)
            {
                await PublishAsync(topic, ResponseWriter.Chunk(parsed.Id!, seq++, update.Delta), correlation).ConfigureAwait(false);
            }
        }
        throw new GenerationException(GenerationErrorCode.Internal, "the engine ended the request without a final result");
    }

    private string? DefaultReplyTopic(string? id)
    {
        if (id is null)
        {
            return topics.ResponseError;
        }
        try
        {
            return topics.Response(id);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // Publishing waits for the broker, through reconnects: a final is never given up on while the service runs.
    private ValueTask PublishAsync(string topic, byte[] payload, ReadOnlyMemory<byte> correlation) =>
        outbox.PublishAsync(topic, payload, retain: false, correlation, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT request {Id} refused: {Code}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string id, string code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT request {Id} was answered before; publishing the stored final again")]
    private static partial void LogReplayed(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT request {Id} arrived again while it runs; its final will answer it")]
    private static partial void LogDuplicateRunning(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "MQTT request {Id} failed")]
    private static partial void LogFailed(ILogger logger, string id, Exception exception);
}
