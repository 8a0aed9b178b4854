namespace EdgeLLM.Service.Mqtt;

/// <summary>An incoming request message: its payload and the MQTT 5 reply properties that came with it.</summary>
public sealed record MqttRequest(string Topic, ReadOnlyMemory<byte> Payload, string? ResponseTopic, ReadOnlyMemory<byte> CorrelationData)
{
    /// <summary>
    /// Tells the broker the request was taken (its PUBACK). Until then the request stays in the persistent session,
    /// so one the service does not take (it is stopping) is delivered again after the next start.
    /// </summary>
    public Func<Task> Acknowledge { get; init; } = static () => Task.CompletedTask;

    /// <summary>True when the broker delivered this request as a stored retained message.</summary>
    public bool Retained { get; init; }
}
