using System.Text;
using EdgeLLM.Mqtt.Topics;

namespace EdgeLLM.Mqtt.Messages;

/// <summary>
/// An MQTT 5 application message, both received (from <see cref="Client.MqttConnection.Messages"/>) and published
/// (<see cref="Client.MqttConnection.PublishAsync(MqttMessage, CancellationToken)"/>). Received messages own copies of
/// everything MQTTnet handed over (it reuses its buffers), so they stay valid for as long as the caller keeps them.
/// </summary>
public sealed class MqttMessage
{
    /// <summary>The topic name (never a filter: no <c>+</c> or <c>#</c>).</summary>
    public required string Topic { get; init; }

    /// <summary>The payload bytes; empty for a zero-length message.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>QoS. Defaults to <see cref="MqttQualityOfService.AtLeastOnce"/>, what EdgeLLM's contract publishes at.</summary>
    public MqttQualityOfService QualityOfService { get; init; } = MqttQualityOfService.AtLeastOnce;

    /// <summary>Retain flag: set on publish to make the broker keep it; on receipt, true for a stored retained message.</summary>
    public bool Retain { get; init; }

    /// <summary>MQTT 5 Response Topic: where the requester wants the answer. Null when absent.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>MQTT 5 Correlation Data, to be copied back unchanged in the answer. Empty when absent.</summary>
    public ReadOnlyMemory<byte> CorrelationData { get; init; }

    /// <summary>MQTT 5 Content Type (e.g. <c>application/json</c>). Null when absent.</summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// MQTT 5 Message Expiry Interval: how long the broker may keep the message for a subscriber that is away; on
    /// receipt, the time that was left. Whole seconds on the wire (rounded up). Null: never expires.
    /// </summary>
    public TimeSpan? MessageExpiry { get; init; }

    /// <summary>MQTT 5 user properties, in order; empty when none.</summary>
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];

    /// <summary>
    /// For a received QoS 1/2 message on a connection with manual acknowledgement: sends its PUBACK/PUBREC. Null
    /// otherwise (nothing to acknowledge). Set by the connection only.
    /// </summary>
    internal Func<CancellationToken, Task>? Acknowledgement { get; init; }

    /// <summary>Decodes the payload as UTF-8.</summary>
    public string PayloadAsString() => Encoding.UTF8.GetString(Payload.Span);

    /// <summary>A message on <paramref name="topic"/> carrying <paramref name="text"/> as UTF-8.</summary>
    public static MqttMessage FromText(string topic, string text, MqttQualityOfService qos = MqttQualityOfService.AtLeastOnce, bool retain = false) =>
        new() { Topic = topic, Payload = Encoding.UTF8.GetBytes(text), QualityOfService = qos, Retain = retain };

    /// <summary>Checks everything the broker would reject, so the caller gets the offending field by name.</summary>
    internal void Validate()
    {
        MqttTopic.ValidateName(Topic, nameof(Topic));
        if (QualityOfService is < MqttQualityOfService.AtMostOnce or > MqttQualityOfService.ExactlyOnce)
        {
            throw new ArgumentOutOfRangeException(nameof(QualityOfService), QualityOfService, "QoS must be 0, 1 or 2.");
        }
        if (Payload.Length > MaxPayloadBytes)
        {
            throw new ArgumentException($"Payload is {Payload.Length} bytes; MQTT allows at most {MaxPayloadBytes}.", nameof(Payload));
        }
        if (ResponseTopic is not null)
        {
            MqttTopic.ValidateName(ResponseTopic, nameof(ResponseTopic));
        }
        if (CorrelationData.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"CorrelationData is {CorrelationData.Length} bytes; MQTT allows at most {ushort.MaxValue}.", nameof(CorrelationData));
        }
        if (ContentType is not null)
        {
            MqttUtf8.Validate(ContentType, nameof(ContentType));
        }
        if (MessageExpiry is { } expiry && (expiry <= TimeSpan.Zero || Math.Ceiling(expiry.TotalSeconds) > uint.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(MessageExpiry), expiry, $"MessageExpiry must be positive and at most {uint.MaxValue} s (null: never expires).");
        }
        foreach (MqttUserProperty property in UserProperties)
        {
            MqttUtf8.Validate(property.Name, nameof(UserProperties));
            MqttUtf8.Validate(property.Value, nameof(UserProperties));
        }
    }

    /// <summary>MQTT_MAX_PAYLOAD: the largest remaining length an MQTT packet can have.</summary>
    internal const int MaxPayloadBytes = 268_435_455;

    /// <summary>Message expiry on the wire: whole seconds, rounded up so a message never expires early.</summary>
    internal uint? MessageExpirySeconds => MessageExpiry is { } e ? (uint)Math.Ceiling(e.TotalSeconds) : null;
}
