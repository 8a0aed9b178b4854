namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// Where the MQTT front publishes (QoS 1): the real client in the service, a recorder in tests. A publish
/// completes once the broker has it; one made while the broker is away completes after the reconnect.
/// </summary>
public interface IMqttOutbox
{
    ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, ReadOnlyMemory<byte> correlationData, CancellationToken cancellationToken);
}
