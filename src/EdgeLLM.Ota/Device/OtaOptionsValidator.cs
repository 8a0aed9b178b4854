using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Ota.Device;

/// <summary>Checks <see cref="OtaOptions"/> at start-up; every failure names its configuration key.</summary>
public sealed partial class OtaOptionsValidator : IValidateOptions<OtaOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OtaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string prefix = OtaOptions.SectionName + ":";
        if (string.IsNullOrWhiteSpace(options.TrustedKeysDir))
        {
            failures.Add($"{prefix}TrustedKeysDir must name a directory");
        }

        if (options.ConfirmSeconds is < 1 or > 86_400)
        {
            failures.Add($"{prefix}ConfirmSeconds must be 1 to 86400, not {options.ConfirmSeconds}");
        }

        if (!TopicLevel().IsMatch(options.Group ?? ""))
        {
            failures.Add($"{prefix}Group must be 1 to 64 of [A-Za-z0-9_-] (it is an MQTT topic level), not '{options.Group}'");
        }

        Positive(failures, $"{prefix}MaxBundleBytes", options.MaxBundleBytes);
        Positive(failures, $"{prefix}MaxExtractedBytes", options.MaxExtractedBytes);
        if (!(options.MaxCompressionRatio >= 1) || double.IsInfinity(options.MaxCompressionRatio))
        {
            failures.Add($"{prefix}MaxCompressionRatio must be a number of at least 1, not {options.MaxCompressionRatio}");
        }

        Positive(failures, $"{prefix}MaxEntries", options.MaxEntries);
        Positive(failures, $"{prefix}DownloadTimeoutSeconds", options.DownloadTimeoutSeconds);
        Positive(failures, $"{prefix}DownloadStallSeconds", options.DownloadStallSeconds);
        if (options.DownloadRetries < 0)
        {
            failures.Add($"{prefix}DownloadRetries must be 0 or more, not {options.DownloadRetries}");
        }

        if (options.DownloadRetryDelayMilliseconds < 0)
        {
            failures.Add($"{prefix}DownloadRetryDelayMilliseconds must be 0 or more, not {options.DownloadRetryDelayMilliseconds}");
        }

        if (options.KeepVersions < 2)
        {
            failures.Add($"{prefix}KeepVersions must be at least 2 (the active and the previous version), not {options.KeepVersions}");
        }

        Positive(failures, $"{prefix}MaxInterruptedAttempts", options.MaxInterruptedAttempts);
        if (options.ProgressStepPercent is < 1 or > 100)
        {
            failures.Add($"{prefix}ProgressStepPercent must be 1 to 100, not {options.ProgressStepPercent}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, long value)
    {
        if (value <= 0)
        {
            failures.Add($"{key} must be positive, not {value}");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TopicLevel();
}
