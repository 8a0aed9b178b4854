namespace EdgeLLM.Ota.Store;

/// <summary>A model version the journal refers to.</summary>
/// <param name="Model">Model id.</param>
/// <param name="Version">Model version.</param>
/// <param name="Directory">Relative to the state directory for versions in the store; null for the builtin default.</param>
/// <param name="Sha256">SHA-256 of the bundle it came from; null for the builtin default.</param>
/// <param name="Builtin">True for the embedded default model, which lives outside the store.</param>
public sealed record OtaStateEntry(string Model, string Version, string? Directory, string? Sha256, bool Builtin)
{
    /// <summary>True when <paramref name="other"/> names the same model version (builtin or not).</summary>
    public bool SameVersionAs(OtaStateEntry? other) =>
        other is not null && other.Builtin == Builtin && other.Model == Model && other.Version == Version;
}
