namespace EdgeLLM.Ota;

/// <summary>What <see cref="IOtaModelValidator"/> is asked to test.</summary>
/// <param name="Candidate">The staged model (its directory is complete and will be switched to unchanged when it passes).</param>
/// <param name="Serving">The model serving now, or null when none is known.</param>
public sealed record OtaValidationRequest(OtaInstalledModel Candidate, OtaInstalledModel? Serving);
