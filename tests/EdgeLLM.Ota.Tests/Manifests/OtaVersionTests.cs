using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Tests.Manifests;

public sealed class OtaVersionTests
{
    [Theory]
    [InlineData("2026.11.2", "2026.11.10")]
    [InlineData("0.9", "0.10.0")]
    [InlineData("1.2", "1.2.1")]
    [InlineData("1.0-rc1", "1.0-rc2")]
    [InlineData("1.0.0-beta", "1.0.1")]
    [InlineData("1.a", "1.b")]
    [InlineData("1.9", "1.x")]
    public void Older_sorts_before_newer(string older, string newer)
    {
        Assert.True(OtaVersion.Compare(older, newer) < 0, $"{older} < {newer}");
        Assert.True(OtaVersion.Compare(newer, older) > 0, $"{newer} > {older}");
    }

    [Theory]
    [InlineData("1.2", "1.2.0")]
    [InlineData("1.2.0+build.7", "1.2.0")]
    [InlineData("01.2", "1.2")]
    public void Equal_versions_compare_equal(string a, string b) => Assert.Equal(0, OtaVersion.Compare(a, b));
}
