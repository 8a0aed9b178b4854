using EdgeLLM.Mqtt.Topics;

namespace EdgeLLM.Mqtt.Replies;

/// <summary>
/// Whether a client-chosen reply topic (an MQTT 5 Response Topic, a <c>reply_to</c> field) can take a reply. A
/// Response Topic with wildcards reaches the service (brokers forward it unchecked), and the broker refuses
/// publishes to <c>$</c>-topics such as <c>$SYS/…</c>; both are known before anything is published, so the request
/// is answered on the error topic instead of its final being lost (contract v1.1, section 2).
/// </summary>
public static class ReplyTopicCheck
{
    /// <summary>Null when <paramref name="topic"/> can take a reply, else why not, as a phrase ("it contains …").</summary>
    public static string? Problem(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!MqttTopic.IsValidName(topic, out var error))
        {
            return error;
        }
        // MQTT 5 §4.7.2: topics starting with '$' belong to the server; mosquitto refuses client publishes there.
        return topic[0] == '$' ? "it starts with '$', which is reserved for the broker's own topics" : null;
    }
}
