namespace EdgeLLM.Service.Mqtt;

/// <summary>An incoming request message: its payload and the MQTT 5 reply properties that came with it.</summary>
public sealed record MqttRequest(string Topic, ReadOnlyMemory<byte> Payload, string? ResponseTopic, ReadOnlyMemory<byte> CorrelationData);
