using EdgeLLM.Mqtt;

namespace EdgeLLM.Service.Mqtt;

/// <summary>Publishes through the libmosquitto client at QoS 1 with the reply's correlation data.</summary>
public sealed class MqttClientOutbox(MqttClient client) : IMqttOutbox
{
    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, ReadOnlyMemory<byte> correlationData, CancellationToken cancellationToken) =>
        client.PublishAsync(new MqttMessage
        {
            Topic = topic,
            Payload = payload,
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            Retain = retain,
            CorrelationData = correlationData,
            ContentType = "application/json",
        }, cancellationToken);
}
