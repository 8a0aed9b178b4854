using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EdgeLLM.Cli.Fleet.Simulation;

/// <summary>
/// The failures a simulated fleet is told to have, as percents of its devices: downloads that fail, smoke tests that
/// fail, devices that never report. Which devices fail is a fixed function of the device id and the failure kind (a
/// hash, like the rollout bucket), so a run can be repeated and a test can tell in advance which devices will fail.
/// </summary>
internal sealed record SimulatedFaults
{
    /// <summary>Percent of devices whose download fails (<c>download_failed</c>).</summary>
    public double DownloadFailPercent { get; init; }

    /// <summary>Percent of devices whose smoke test fails (<c>smoke_test_failed</c>).</summary>
    public double SmokeFailPercent { get; init; }

    /// <summary>Percent of devices that take a manifest and never say anything about it (they time out at the operator).</summary>
    public double SilentPercent { get; init; }

    /// <exception cref="FormatException">A percent outside 0–100.</exception>
    public void Validate()
    {
        foreach (var (option, value) in new[] { ("--fail-download", DownloadFailPercent), ("--fail-smoke", SmokeFailPercent), ("--silent", SilentPercent) })
        {
            if (value is < 0 or > 100 || double.IsNaN(value))
            {
                throw new FormatException($"{option} must be a percent from 0 to 100");
            }
        }
    }

    public bool FailsDownload(string deviceId) => Picks(deviceId, "download", DownloadFailPercent);

    public bool FailsSmokeTest(string deviceId) => Picks(deviceId, "smoke", SmokeFailPercent);

    public bool IsSilent(string deviceId) => Picks(deviceId, "silent", SilentPercent);

    /// <summary>True when the device's bucket (0–9999, of <c>SHA-256(deviceId + "/" + kind)</c>) is below the percent.</summary>
    public static bool Picks(string deviceId, string kind, double percent)
    {
        if (percent <= 0)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(deviceId + "/" + kind), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash) % 10_000 < percent * 100;
    }
}
