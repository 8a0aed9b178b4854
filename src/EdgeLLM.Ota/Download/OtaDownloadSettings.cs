namespace EdgeLLM.Ota.Download;

/// <summary>How <see cref="OtaBundleDownloader"/> waits and retries.</summary>
/// <param name="Timeout">Longest a whole download (all attempts and pauses) may take.</param>
/// <param name="StallTimeout">Longest to wait for response headers or for the next bytes of the body.</param>
/// <param name="Retries">Failed attempts in a row, without any new bytes, tolerated before giving up.</param>
/// <param name="RetryDelay">Pause after the first failure; doubled after each further one, capped at a minute.</param>
public sealed record OtaDownloadSettings(TimeSpan Timeout, TimeSpan StallTimeout, int Retries, TimeSpan RetryDelay);
