namespace EdgeLLM.Ota.Store;

/// <summary>What start-up recovery found and did.</summary>
/// <param name="Serving">The model to serve (null: the host's configured default, when the context names none).</param>
/// <param name="RolledBack">The unconfirmed version that was rolled back, if any.</param>
/// <param name="RollbackReason">Why it was rolled back.</param>
/// <param name="ConfirmWithin">Time left to confirm the serving (unconfirmed) version; null when nothing awaits confirmation.</param>
internal sealed record OtaRecovery(OtaInstalledModel? Serving, OtaInstalledModel? RolledBack, string? RollbackReason, TimeSpan? ConfirmWithin);
