using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Device;

/// <summary>
/// Decides whether a device takes part in a rollout: its bucket is
/// <c>BigEndianUInt64(SHA-256(UTF-8(deviceId + seed))[0..8]) mod 100</c>, and it takes part when the bucket is
/// below the rollout's percent. The same device and seed always land in the same bucket, so raising the
/// percent of a rollout only ever adds devices; a new seed reshuffles the fleet.
/// </summary>
public static class RolloutSelector
{
    /// <summary>The device's bucket, 0 to 99, for <paramref name="seed"/>.</summary>
    public static int Bucket(string deviceId, string seed)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(seed);
        var text = deviceId + seed;
        Span<byte> utf8 = text.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 100);
    }

    /// <summary>True when the device takes part in <paramref name="rollout"/>.</summary>
    public static bool Includes(OtaRollout rollout, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        return rollout.Percent >= 100 || Bucket(deviceId, rollout.Seed) < rollout.Percent;
    }
}
