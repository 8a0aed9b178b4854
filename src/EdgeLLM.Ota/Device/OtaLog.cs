using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Device;

/// <summary>Log messages of OTA updates (event ids 7000–7099).</summary>
internal static partial class OtaLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "OTA manifest received for {Model}@{Version}")]
    public static partial void ManifestReceived(ILogger logger, string model, string version);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "OTA update {Model}@{Version} rejected: {Error}")]
    public static partial void UpdateRejected(ILogger logger, string model, string version, string error);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "OTA update {Model}@{Version} is active, serving from {Directory}")]
    public static partial void UpdateActive(ILogger logger, string model, string version, string directory);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Bundle download from {Url} failed (attempt {Attempt}), retrying in {DelayMs} ms: {Reason}")]
    public static partial void DownloadRetry(ILogger logger, string url, int attempt, long delayMs, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Resuming bundle download from {Url} at byte {Offset}")]
    public static partial void DownloadResumed(ILogger logger, string url, long offset);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "Restarting bundle download from {Url} from byte 0: {Reason}")]
    public static partial void DownloadRestarted(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "OTA update {Model}@{Version} rolled back to {Previous}: {Reason}")]
    public static partial void RolledBack(ILogger logger, string model, string version, string previous, string reason);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Information, Message = "OTA recovery at start-up: {Message}")]
    public static partial void Recovered(ILogger logger, string message);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Information, Message = "OTA model {Model}@{Version} confirmed healthy")]
    public static partial void Confirmed(ILogger logger, string model, string version);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Pruned old model version {Directory}")]
    public static partial void Pruned(ILogger logger, string directory);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "OTA update {Model}@{Version} queued behind the running update")]
    public static partial void UpdateQueued(ILogger logger, string model, string version);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Information, Message = "Queued OTA update {Model}@{Version} superseded by {Newer}")]
    public static partial void UpdateSuperseded(ILogger logger, string model, string version, string newer);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "No usable trusted OTA keys in {Directory}; every manifest will be rejected. {Problems}")]
    public static partial void NoTrustedKeys(ILogger logger, string directory, string problems);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Error, Message = "The OTA status sink failed")]
    public static partial void StatusSinkFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Error, Message = "Activating {Model}@{Version} failed")]
    public static partial void ActivationFailed(ILogger logger, string model, string version, Exception exception);

    [LoggerMessage(EventId = 7016, Level = LogLevel.Warning, Message = "Could not remove {Path}")]
    public static partial void CleanupFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 7017, Level = LogLevel.Information, Message = "Resuming interrupted OTA update {Model}@{Version} (attempt {Attempt})")]
    public static partial void ResumingInterrupted(ILogger logger, string model, string version, int attempt);

    [LoggerMessage(EventId = 7018, Level = LogLevel.Information, Message = "OTA manifest {Model}@{Version} verified: {Detail}")]
    public static partial void SignatureVerified(ILogger logger, string model, string version, string detail);

    [LoggerMessage(EventId = 7019, Level = LogLevel.Warning, Message = "OTA state repaired: {Message}")]
    public static partial void StateRepaired(ILogger logger, string message);

    [LoggerMessage(EventId = 7020, Level = LogLevel.Warning, Message = "Duplicate OTA update {Model}@{Version} ignored: it is already {Where}")]
    public static partial void DuplicateIgnored(ILogger logger, string model, string version, string where);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Warning, Message = "OTA rollout of {Model}@{Version} aborted by the operator (signed abort notice)")]
    public static partial void RolloutAborted(ILogger logger, string model, string version);

    [LoggerMessage(EventId = 7022, Level = LogLevel.Information,
        Message = "OTA update {Model}@{Version} fetched file by file: downloaded {DownloadedFiles} file(s), {DownloadedBytes} bytes; reused {ReusedFiles} file(s), {ReusedBytes} bytes already on the device")]
    public static partial void FilesFetched(ILogger logger, string model, string version, int downloadedFiles, long downloadedBytes, int reusedFiles, long reusedBytes);
}
