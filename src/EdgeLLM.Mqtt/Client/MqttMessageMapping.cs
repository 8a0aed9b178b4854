using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using EdgeLLM.Mqtt.Messages;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeLLM.Mqtt.Client;

/// <summary>Converts between EdgeLLM's <see cref="MqttMessage"/> and MQTTnet's <see cref="MqttApplicationMessage"/>.</summary>
internal static class MqttMessageMapping
{
    /// <summary>
    /// The MQTTnet message for <paramref name="message"/>. Over MQTT 3.1.1 the MQTT 5 properties are left out: the
    /// protocol has no place for them, and MQTTnet refuses to send them.
    /// </summary>
    public static MqttApplicationMessage ToApplicationMessage(MqttMessage message, MqttProtocol protocol)
    {
        var result = new MqttApplicationMessage
        {
            Topic = message.Topic,
            Payload = new ReadOnlySequence<byte>(message.Payload),
            QualityOfServiceLevel = (MqttQualityOfServiceLevel)message.QualityOfService,
            Retain = message.Retain,
        };
        if (protocol == MqttProtocol.V311)
        {
            return result;
        }
        result.ResponseTopic = message.ResponseTopic;
        result.CorrelationData = message.CorrelationData.IsEmpty ? null : ToArray(message.CorrelationData);
        result.ContentType = message.ContentType;
        result.MessageExpiryInterval = message.MessageExpirySeconds ?? 0;
        if (message.UserProperties.Count > 0)
        {
            result.UserProperties = new List<MQTTnet.Packets.MqttUserProperty>(message.UserProperties.Count);
            foreach (MqttUserProperty property in message.UserProperties)
            {
                result.UserProperties.Add(new MQTTnet.Packets.MqttUserProperty(property.Name, Encoding.UTF8.GetBytes(property.Value).AsMemory()));
            }
        }
        return result;
    }

    /// <summary>A copy of <paramref name="received"/>: MQTTnet reuses the payload's buffer once the handler returns.</summary>
    public static MqttMessage FromApplicationMessage(MqttApplicationMessage received, Func<CancellationToken, Task>? acknowledgement = null)
    {
        IReadOnlyList<MqttUserProperty> properties = [];
        if (received.UserProperties is { Count: > 0 } list)
        {
            var copied = new MqttUserProperty[list.Count];
            for (int i = 0; i < copied.Length; i++)
            {
                copied[i] = new MqttUserProperty(list[i].Name, Encoding.UTF8.GetString(list[i].ValueBuffer.Span));
            }
            properties = copied;
        }
        return new MqttMessage
        {
            Topic = received.Topic,
            Payload = received.Payload.ToArray(),
            QualityOfService = (MqttQualityOfService)received.QualityOfServiceLevel,
            Retain = received.Retain,
            ResponseTopic = string.IsNullOrEmpty(received.ResponseTopic) ? null : received.ResponseTopic,
            CorrelationData = received.CorrelationData ?? ReadOnlyMemory<byte>.Empty,
            ContentType = string.IsNullOrEmpty(received.ContentType) ? null : received.ContentType,
            MessageExpiry = received.MessageExpiryInterval == 0 ? null : TimeSpan.FromSeconds(received.MessageExpiryInterval),
            UserProperties = properties,
            Acknowledgement = acknowledgement,
        };
    }

    private static byte[] ToArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}
