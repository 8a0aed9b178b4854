namespace EdgeLLM.Ota.Signing;

/// <summary>The outcome of checking a manifest's signature.</summary>
/// <param name="IsValid">True when a trusted key verified the signature.</param>
/// <param name="KeyName">The key that verified it (its file name), when valid.</param>
/// <param name="Reason">Why it did not verify (or which key did), for operators.</param>
public sealed record OtaSignatureVerification(bool IsValid, string? KeyName, string Reason);
