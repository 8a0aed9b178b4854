using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLLM.Service.Mqtt;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>Keeps what the front published, in order, for handler-level tests.</summary>
internal sealed class RecordingOutbox : IMqttOutbox
{
    public ConcurrentQueue<(string Topic, byte[] Payload, bool Retain, byte[] Correlation)> Published { get; } = new();

    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, ReadOnlyMemory<byte> correlationData, CancellationToken cancellationToken)
    {
        Published.Enqueue((topic, payload.ToArray(), retain, correlationData.ToArray()));
        return ValueTask.CompletedTask;
    }

    public List<JsonElement> On(string topic) => Published.Where(p => p.Topic == topic).Select(p => JsonDocument.Parse(p.Payload).RootElement.Clone()).ToList();
}
