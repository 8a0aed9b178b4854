namespace EdgeLLM.Ota.Store;

/// <summary>A switch in progress: <see cref="Target"/> is about to become active with <see cref="Previous"/> as rollback target.</summary>
public sealed record OtaSwitchJournal(OtaStateEntry Target, OtaStateEntry? Previous, DateTimeOffset StartedAt);
