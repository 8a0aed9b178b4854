using EdgeLLM.Mqtt.Errors;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// Publishes a request's replies and keeps the contract's promise that a final is never lost when the topic it goes
/// to is refused: by the client library before sending (a topic it will not publish to) or by the broker's PUBACK
/// (an ACL, a <c>$</c>-topic). The final then goes to <c>{root}/{device}/response/error</c> with the request's id and
/// a <c>bad_request</c> saying why (contract v1.1, section 2). A refused stream chunk stops the chunks, not the request.
/// </summary>
public sealed class MqttReplyPublisher(IMqttOutbox outbox, TopicNames topics)
{
    /// <summary>Publishes <paramref name="final"/> to <paramref name="topic"/>; false when it was refused there and went to the error topic.</summary>
    public async ValueTask<bool> PublishFinalAsync(string topic, byte[] final, string? id, ReadOnlyMemory<byte> correlationData)
    {
        string reason;
        try
        {
            await PublishAsync(topic, final, correlationData).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (Refusal(e) is { } why)
        {
            reason = why;
        }
        var error = ResponseWriter.Error(id, GenerationErrorCode.BadRequest, $"the reply could not be published to \"{topic}\": {reason}");
        await PublishAsync(topics.ResponseError, error, correlationData).ConfigureAwait(false);
        return false;
    }

    /// <summary>Publishes a stream chunk; false when the topic refused it (send no more chunks there).</summary>
    public async ValueTask<bool> TryPublishChunkAsync(string topic, byte[] chunk, ReadOnlyMemory<byte> correlationData)
    {
        try
        {
            await PublishAsync(topic, chunk, correlationData).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (Refusal(e) is not null)
        {
            return false;
        }
    }

    /// <summary>Publishing waits for the broker, through reconnects: a final is never given up on while the service runs.</summary>
    public ValueTask PublishAsync(string topic, byte[] payload, ReadOnlyMemory<byte> correlationData) =>
        outbox.PublishAsync(topic, payload, retain: false, correlationData, CancellationToken.None);

    /// <summary>
    /// Why a publish failed for the topic's sake, or null for failures that are not about the topic (the client
    /// stopping) and must propagate. The client throws <see cref="ArgumentException"/> for a topic it cannot send;
    /// a broker's refusal carries an MQTT 5 reason code.
    /// </summary>
    private static string? Refusal(Exception e) => e switch
    {
        ArgumentException => e.Message,
        MqttException { ReasonCode: not null } => e.Message,
        _ => null,
    };
}
