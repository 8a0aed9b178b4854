using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Device;

/// <summary>Log messages of OTA updates (event ids 7000–7099).</summary>
internal static partial class OtaLog
{
    [LoggerMessage(7001, LogLevel.Information, "OTA manifest received for {Model}@{Version}")]
    public static partial void ManifestReceived(ILogger logger, string model, string version);

    [LoggerMessage(7002, LogLevel.Warning, "OTA update {Model}@{Version} rejected: {Error}")]
    public static partial void UpdateRejected(ILogger logger, string model, string version, string error);

    [LoggerMessage(7003, LogLevel.Information, "OTA update {Model}@{Version} is active, serving from {Directory}")]
    public static partial void UpdateActive(ILogger logger, string model, string version, string directory);

    [LoggerMessage(7004, LogLevel.Warning, "Bundle download from {Url} failed (attempt {Attempt}), retrying in {DelayMs} ms: {Reason}")]
    public static partial void DownloadRetry(ILogger logger, string url, int attempt, long delayMs, string reason);

    [LoggerMessage(7005, LogLevel.Information, "Resuming bundle download from {Url} at byte {Offset}")]
    public static partial void DownloadResumed(ILogger logger, string url, long offset);

    [LoggerMessage(7006, LogLevel.Information, "Restarting bundle download from {Url} from byte 0: {Reason}")]
    public static partial void DownloadRestarted(ILogger logger, string url, string reason);

    [LoggerMessage(7007, LogLevel.Warning, "OTA update {Model}@{Version} rolled back to {Previous}: {Reason}")]
    public static partial void RolledBack(ILogger logger, string model, string version, string previous, string reason);

    [LoggerMessage(7008, LogLevel.Information, "OTA recovery at start-up: {Message}")]
    public static partial void Recovered(ILogger logger, string message);

    [LoggerMessage(7009, LogLevel.Information, "OTA model {Model}@{Version} confirmed healthy")]
    public static partial void Confirmed(ILogger logger, string model, string version);

    [LoggerMessage(7010, LogLevel.Information, "Pruned old model version {Directory}")]
    public static partial void Pruned(ILogger logger, string directory);

    [LoggerMessage(7011, LogLevel.Information, "OTA update {Model}@{Version} queued behind the running update")]
    public static partial void UpdateQueued(ILogger logger, string model, string version);

    [LoggerMessage(7012, LogLevel.Information, "Queued OTA update {Model}@{Version} superseded by {Newer}")]
    public static partial void UpdateSuperseded(ILogger logger, string model, string version, string newer);

    [LoggerMessage(7013, LogLevel.Warning, "No usable trusted OTA keys in {Directory}; every manifest will be rejected. {Problems}")]
    public static partial void NoTrustedKeys(ILogger logger, string directory, string problems);

    [LoggerMessage(7014, LogLevel.Error, "The OTA status sink failed")]
    public static partial void StatusSinkFailed(ILogger logger, Exception exception);

    [LoggerMessage(7015, LogLevel.Error, "Activating {Model}@{Version} failed")]
    public static partial void ActivationFailed(ILogger logger, string model, string version, Exception exception);

    [LoggerMessage(7016, LogLevel.Warning, "Could not remove {Path}")]
    public static partial void CleanupFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(7017, LogLevel.Information, "Resuming interrupted OTA update {Model}@{Version} (attempt {Attempt})")]
    public static partial void ResumingInterrupted(ILogger logger, string model, string version, int attempt);

    [LoggerMessage(7018, LogLevel.Information, "OTA manifest {Model}@{Version} verified: {Detail}")]
    public static partial void SignatureVerified(ILogger logger, string model, string version, string detail);

    [LoggerMessage(7019, LogLevel.Warning, "OTA state repaired: {Message}")]
    public static partial void StateRepaired(ILogger logger, string message);

    [LoggerMessage(7020, LogLevel.Warning, "Duplicate OTA update {Model}@{Version} ignored: it is already {Where}")]
    public static partial void DuplicateIgnored(ILogger logger, string model, string version, string where);
}
