using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Download;

namespace EdgeLLM.Ota.Device;

/// <summary>OTA settings, bound from <c>EdgeLLM:Ota</c> and validated at start-up by <see cref="OtaOptionsValidator"/>.</summary>
public sealed class OtaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EdgeLLM:Ota";

    /// <summary>Directory whose <c>*.pem</c> files are the trusted public keys.</summary>
    public string TrustedKeysDir { get; set; } = "/etc/edgellm/trusted-keys/";

    /// <summary>Seconds a switched model has to be confirmed healthy (<c>ConfirmHealthy</c>) before it is rolled back.</summary>
    public int ConfirmSeconds { get; set; } = 300;

    /// <summary>Fleet group: the device also takes manifests from <c>{root}/fleet/{group}/ota</c>.</summary>
    public string Group { get; set; } = "default";

    /// <summary>Largest bundle (manifest <c>size</c>) accepted, in bytes.</summary>
    public long MaxBundleBytes { get; set; } = 4L << 30;

    /// <summary>Most bytes a bundle may extract to.</summary>
    public long MaxExtractedBytes { get; set; } = 16L << 30;

    /// <summary>Most extracted bytes per bundle byte (decompression-bomb guard). INT4 weights hardly compress; text files do ~5–10×.</summary>
    public double MaxCompressionRatio { get; set; } = 50;

    /// <summary>Most entries (files and directories) in a bundle.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Longest a whole download may take, retries included.</summary>
    public int DownloadTimeoutSeconds { get; set; } = 3600;

    /// <summary>Longest to wait for the server's answer or the next bytes before the attempt counts as failed.</summary>
    public int DownloadStallSeconds { get; set; } = 60;

    /// <summary>Failed download attempts in a row (without new bytes) tolerated before the update is rejected.</summary>
    public int DownloadRetries { get; set; } = 5;

    /// <summary>Pause after a failed attempt, doubled after each further one (capped at 60 s).</summary>
    public int DownloadRetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>Model versions kept on disk, including the active and the previous one (at least 2).</summary>
    public int KeepVersions { get; set; } = 2;

    /// <summary>How often an interrupted update (crash or power loss in the middle) is resumed at start-up before it is given up.</summary>
    public int MaxInterruptedAttempts { get; set; } = 3;

    /// <summary>Download progress is reported when it has grown by at least this many percent.</summary>
    public int ProgressStepPercent { get; set; } = 5;

    internal OtaDownloadSettings DownloadSettings => new(
        TimeSpan.FromSeconds(DownloadTimeoutSeconds), TimeSpan.FromSeconds(DownloadStallSeconds),
        DownloadRetries, TimeSpan.FromMilliseconds(DownloadRetryDelayMilliseconds));

    internal OtaBundleLimits BundleLimits => new(MaxExtractedBytes, MaxCompressionRatio, MaxEntries);
}
