using System.Globalization;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// How far one wave of a rollout reaches, cumulatively: a percent of the target (<c>10%</c>) or a number of devices
/// (<c>25</c>). Waves only widen: each reaches at least as far as the one before.
/// </summary>
internal sealed record RolloutWave(int? Percent, int? Devices)
{
    /// <summary>Reads <c>10%</c> (percent, 1–100) or <c>25</c> (devices, at least 1).</summary>
    /// <exception cref="FormatException">Neither.</exception>
    public static RolloutWave Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.EndsWith('%'))
        {
            return int.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is >= 1 and <= 100
                ? new RolloutWave(percent, null)
                : throw new FormatException($"wave '{text}': a percent must be an integer from 1% to 100%");
        }

        return int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var devices) && devices >= 1
            ? new RolloutWave(null, devices)
            : throw new FormatException($"wave '{text}': expected a percent (10%) or a number of devices (25)");
    }

    /// <summary>How many of <paramref name="population"/> devices the wave reaches (a percent rounds up, so 1% of 50 is 1).</summary>
    public int DeviceCount(int population) => Math.Min(population, Percent is { } p ? (int)Math.Ceiling(p * (long)population / 100.0) : Devices!.Value);

    /// <inheritdoc />
    public override string ToString() => Percent is { } p ? $"{p}%" : Devices!.Value.ToString(CultureInfo.InvariantCulture);
}
