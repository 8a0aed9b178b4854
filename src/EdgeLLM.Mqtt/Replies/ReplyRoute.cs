using EdgeLLM.Mqtt.Topics;

namespace EdgeLLM.Mqtt;

/// <summary>
/// Where the answers to one request go, chosen by the contract's rule (section 2): the MQTT 5 Response Topic; else the
/// request's <c>reply_to</c>; else <c>{root}/{device}/response/{id}</c>; and for a request without a usable id (a
/// payload that is not JSON) <c>{root}/{device}/response/error</c>. The request's Correlation Data is copied back
/// unchanged whichever topic is chosen.
/// </summary>
/// <param name="Topic">The reply topic.</param>
/// <param name="CorrelationData">The request's Correlation Data, to send back unchanged (empty when it had none).</param>
/// <param name="Source">Which rule chose <paramref name="Topic"/>.</param>
public readonly record struct ReplyRoute(string Topic, ReadOnlyMemory<byte> CorrelationData, ReplySource Source)
{
    /// <summary>The content type replies carry: the contract's payloads are JSON.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>
    /// Picks the reply topic for <paramref name="request"/>. A candidate that is not a valid topic name (empty, with
    /// wildcards, or with characters MQTT rejects) is skipped in favour of the next rule.
    /// </summary>
    /// <param name="request">The request as received.</param>
    /// <param name="replyTo">The request's <c>reply_to</c> field, or null.</param>
    /// <param name="requestId">The request's id (given or generated), or null when the payload could not be parsed.</param>
    /// <param name="topics">This device's topics.</param>
    public static ReplyRoute Resolve(MqttMessage request, string? replyTo, string? requestId, TopicNames topics)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(topics);
        if (MqttTopic.IsValidName(request.ResponseTopic, out _))
        {
            return new ReplyRoute(request.ResponseTopic!, request.CorrelationData, ReplySource.ResponseTopic);
        }
        if (MqttTopic.IsValidName(replyTo, out _))
        {
            return new ReplyRoute(replyTo!, request.CorrelationData, ReplySource.ReplyTo);
        }
        if (!string.IsNullOrEmpty(requestId) && MqttTopic.IsValidName($"{topics.DevicePrefix}/response/{requestId}", out _))
        {
            return new ReplyRoute(topics.Response(requestId), request.CorrelationData, ReplySource.DefaultTopic);
        }
        return new ReplyRoute(topics.ResponseError, request.CorrelationData, ReplySource.ErrorTopic);
    }

    /// <summary>
    /// A reply on this route: QoS 1 (the contract's delivery for responses), not retained, with the Correlation Data
    /// and <paramref name="contentType"/>.
    /// </summary>
    public MqttMessage CreateMessage(ReadOnlyMemory<byte> payload, string? contentType = JsonContentType) => new()
    {
        Topic = Topic,
        Payload = payload,
        QualityOfService = MqttQualityOfService.AtLeastOnce,
        CorrelationData = CorrelationData,
        ContentType = contentType,
    };
}
