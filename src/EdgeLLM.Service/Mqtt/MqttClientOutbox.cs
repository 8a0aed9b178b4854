using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Messages;


namespace EdgeLLM.Service.Mqtt;

/// <summary>Publishes through the MQTT connection's outbox at QoS 1 with the reply's correlation data.</summary>
public sealed class MqttClientOutbox(MqttConnection client) : IMqttOutbox
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
