using EdgeLLM.Mqtt.Replies;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// Where one request's answers go (contract section 2): the MQTT 5 Response Topic, else <c>reply_to</c>, else
/// <c>{root}/{device}/response/{id}</c>, else (no readable id) <c>{root}/{device}/response/error</c>. When the
/// topic the request asked for cannot take a reply, <see cref="Refusal"/> says why and <see cref="Topic"/> is the
/// error topic: the request is answered there with a <c>bad_request</c> instead of being run.
/// </summary>
/// <param name="Topic">The topic to publish the final (and chunks) to.</param>
/// <param name="Refusal">Why the requested topic cannot be used, or null when it can.</param>
public readonly record struct MqttReplyTarget(string Topic, string? Refusal)
{
    /// <summary>Applies the contract's rule to <paramref name="message"/> as <paramref name="parsed"/> read it.</summary>
    public static MqttReplyTarget For(MqttRequest message, ParsedRequest parsed, TopicNames topics)
    {
        if (message.ResponseTopic is { } responseTopic)
        {
            return Checked(responseTopic, "the MQTT 5 Response Topic", topics);
        }
        if (parsed.ReplyTo is { } replyTo)
        {
            return Checked(replyTo, "reply_to", topics);
        }
        if (parsed.Id is not { } id)
        {
            return new MqttReplyTarget(topics.ResponseError, null);
        }
        try
        {
            return new MqttReplyTarget(topics.Response(id), null);
        }
        catch (ArgumentException)
        {
            return new MqttReplyTarget(topics.ResponseError,
                "id: must not contain '+', '#' or characters MQTT topics cannot hold, as it names the reply topic");
        }
    }

    private static MqttReplyTarget Checked(string topic, string what, TopicNames topics) =>
        ReplyTopicCheck.Problem(topic) is { } problem
            ? new MqttReplyTarget(topics.ResponseError, $"{what} \"{topic}\" cannot take the reply: {problem}")
            : new MqttReplyTarget(topic, null);
}
