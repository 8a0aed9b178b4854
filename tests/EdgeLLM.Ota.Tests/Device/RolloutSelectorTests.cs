using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Tests.Device;

public sealed class RolloutSelectorTests
{
    // Computed outside .NET with: printf '%s' "$id$seed" | sha256sum | cut -c1-16, then int(hex, 16) % 100 (see docs/OTA.md).
    [Theory]
    [InlineData("device-42", "wave-3", 42)]
    [InlineData("gw-kitchen-01", "iot-assist-2026.11.1", 44)]
    [InlineData("Grüße-", "Gerät", 29)]
    public void The_bucket_is_the_big_endian_first_8_bytes_of_sha256_of_id_and_seed_mod_100(string deviceId, string seed, int bucket)
    {
        Assert.Equal(bucket, RolloutSelector.Bucket(deviceId, seed));
    }

    [Fact]
    public void A_device_is_included_exactly_when_its_bucket_is_below_the_percent()
    {
        Assert.False(RolloutSelector.Includes(new OtaRollout(42, "wave-3"), "device-42"));
        Assert.True(RolloutSelector.Includes(new OtaRollout(43, "wave-3"), "device-42"));
        Assert.False(RolloutSelector.Includes(new OtaRollout(0, "wave-3"), "device-42"));
        Assert.True(RolloutSelector.Includes(new OtaRollout(100, "wave-3"), "device-42"));
    }

    [Fact]
    public void About_the_given_share_of_a_fleet_takes_part_and_raising_the_percent_only_adds_devices()
    {
        var fleet = Enumerable.Range(0, 10_000).Select(i => $"dev-{i:D5}").ToList();

        var at25 = fleet.Where(d => RolloutSelector.Includes(new OtaRollout(25, "wave-3"), d)).ToHashSet();
        var at50 = fleet.Where(d => RolloutSelector.Includes(new OtaRollout(50, "wave-3"), d)).ToHashSet();

        Assert.InRange(at25.Count, 2_300, 2_700);
        Assert.InRange(at50.Count, 4_750, 5_250);
        Assert.True(at25.IsSubsetOf(at50));
    }
}
