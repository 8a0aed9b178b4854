namespace EdgeLLM.Ota.Store;

/// <summary>An update in progress: its manifest and how many times it was started.</summary>
public sealed record OtaPendingUpdate(string Manifest, string Model, string Version, string Sha256, int Attempts);
