namespace EdgeLLM.Cli.Fleet;

/// <summary>One message received from the broker.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Payload">Its payload (empty for a cleared retained message).</param>
/// <param name="Retained">True when the broker replayed it from its retained store (it may be old).</param>
/// <param name="ReceivedAt">When this tool received it.</param>
internal sealed record FleetMessage(string Topic, ReadOnlyMemory<byte> Payload, bool Retained, DateTimeOffset ReceivedAt);
