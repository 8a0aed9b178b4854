using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Logging;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// Answers one MQTT request as contract section 2 says: the reply topic is the MQTT 5 Response Topic (with its
/// Correlation Data copied back), else <c>reply_to</c>, else <c>{root}/{device}/response/{id}</c>; stream chunks
/// when asked; exactly one final, an error final for every bad input (<c>id</c> null on
/// <c>{root}/{device}/response/error</c> when the payload could not be read); re-deliveries answered from the
/// dedup store instead of running twice; a retained request answered once, ever (<see cref="RetainedRequestLog"/>).
/// </summary>
public sealed partial class MqttRequestHandler(
    GenerationGateway gateway, RequestReader reader, DedupStore dedup, IMqttOutbox outbox, TopicNames topics,
    ILogger<MqttRequestHandler> logger, RetainedRequestLog? retained = null)
{
    public const string Transport = "mqtt";

    private readonly MqttReplyPublisher _replies = new(outbox, topics);
    private readonly LogThrottle _refusals = new(TimeSpan.FromSeconds(10));

    /// <summary>
    /// Answers <paramref name="message"/> with exactly one final, or leaves it untaken: when
    /// <paramref name="stopping"/> has fired and the engine no longer takes requests, the request is neither
    /// answered nor acknowledged, so the persistent session delivers it again after the next start.
    /// </summary>
    public async Task HandleAsync(MqttRequest message, CancellationToken stopping)
    {
        var parsed = reader.Read(message.Payload.Span, RequestDialect.Mqtt);
        var (topic, refusal) = MqttReplyTarget.For(message, parsed, topics);
        // The broker hands a retained request to every new subscription: it is answered the first time only.
        var retainedKey = message.Retained && retained is not null
            ? RetainedRequestLog.Key(topic, parsed.IdGenerated ? null : parsed.Id, message.Payload.Span) : null;
        if (retainedKey is not null && retained!.WasAnswered(retainedKey))
        {
            LogRetainedAnswered(logger, parsed.Id ?? "(none)");
            await message.Acknowledge().ConfigureAwait(false);
            return;
        }
        // A reply topic that cannot be used is why the answer lands on the error topic, so it is the error named.
        if ((refusal is null ? parsed.Error : new GenerationException(GenerationErrorCode.BadRequest, refusal)) is { } error)
        {
            gateway.RecordRejected(Transport, error.Code);
            if (_refusals.ShouldLog(error.WireCode, out var held))
            {
                LogRejected(logger, parsed.Id ?? "(none)", error.WireCode, error.Message, held);
            }
            RecordRetained(retainedKey);
            await _replies.PublishFinalAsync(topic, ResponseWriter.Error(parsed.Id, error.Code, error.Message), parsed.Id, message.CorrelationData).ConfigureAwait(false);
            await message.Acknowledge().ConfigureAwait(false);
            return;
        }
        var id = parsed.Id!;
        switch (dedup.Begin(topic, id, message.CorrelationData.Span, out var stored))
        {
            case DedupDecision.Replay:
                LogReplayed(logger, id);
                RecordRetained(retainedKey);
                await _replies.PublishFinalAsync(topic, stored!, id, message.CorrelationData).ConfigureAwait(false);
                await message.Acknowledge().ConfigureAwait(false);
                return;
            case DedupDecision.AlreadyRunning:
                LogDuplicateRunning(logger, id);
                await message.Acknowledge().ConfigureAwait(false);
                return;
        }
        GenerationStream stream;
        try
        {
            // The engine drains on stop and ends what is left as cancelled, so the request is not cancelled here:
            // once taken it always reaches its own final answer.
            stream = gateway.Stream(parsed.Request!, Transport, CancellationToken.None);
        }
        catch (GenerationException e) when (e.Code == GenerationErrorCode.ModelUnavailable && stopping.IsCancellationRequested)
        {
            // Dispatched just before the stop, refused by the draining engine: not taken, so not answered here.
            dedup.Abandon(topic, id, message.CorrelationData.Span);
            LogLeftForNextStart(logger, id);
            return;
        }
        catch (GenerationException e)
        {
            await CompleteAsync(message, topic, id, ResponseWriter.Error(id, e.Code, e.Message), retainedKey).ConfigureAwait(false);
            return;
        }
        // Taken: from here the final is this instance's promise, so the broker may forget the request.
        await message.Acknowledge().ConfigureAwait(false);
        byte[] final;
        try
        {
            final = await RunAsync(parsed, stream, topic, message.CorrelationData).ConfigureAwait(false);
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
        await CompleteAsync(message, topic, id, final, retainedKey).ConfigureAwait(false);
    }

    /// <summary>Journals the final (before publishing it, so a re-delivery is answered from the journal), publishes it, acknowledges.</summary>
    private async Task CompleteAsync(MqttRequest message, string topic, string id, byte[] final, string? retainedKey)
    {
        dedup.Complete(topic, id, message.CorrelationData.Span, final);
        RecordRetained(retainedKey);
        await _replies.PublishFinalAsync(topic, final, id, message.CorrelationData).ConfigureAwait(false);
        await message.Acknowledge().ConfigureAwait(false);
    }

    private void RecordRetained(string? key)
    {
        if (key is not null)
        {
            retained?.Record(key);
        }
    }

    private async Task<byte[]> RunAsync(ParsedRequest parsed, GenerationStream stream, string topic, ReadOnlyMemory<byte> correlation)
    {
        var seq = 0;
        var chunks = parsed.Stream;
        await foreach (var delta in stream.ConfigureAwait(false))
        {
            if (chunks && delta.Text.Length > 0)
            {
                chunks = await _replies.TryPublishChunkAsync(topic, ResponseWriter.Chunk(parsed.Id!, seq++, delta.Text), correlation).ConfigureAwait(false);
            }
        }
        var result = await stream.Result.ConfigureAwait(false);
        return ResponseWriter.Final(result, parsed.Tools is null ? null : ToolCall.FromAnswer(result.Text));
    }

    // One line per error code per 10 s at most (LogThrottle): a flood of bad payloads must not fill the device's flash.
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "MQTT request {Id} refused: {Code}: {Reason} ({Suppressed} more like it not logged)")]
    private static partial void LogRejected(ILogger logger, string id, string code, string reason, int suppressed);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "MQTT request {Id} was answered before; publishing the stored final again")]
    private static partial void LogReplayed(ILogger logger, string id);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "MQTT request {Id} arrived again while it runs; its final will answer it")]
    private static partial void LogDuplicateRunning(ILogger logger, string id);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "MQTT request {Id} failed")]
    private static partial void LogFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Information, Message = "Retained MQTT request {Id} was answered before; the broker delivered it again on subscribing, and it is not answered twice")]
    private static partial void LogRetainedAnswered(ILogger logger, string id);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Information, Message = "MQTT request {Id} arrived as the service stops; left unacknowledged for the next start")]
    private static partial void LogLeftForNextStart(ILogger logger, string id);
}
