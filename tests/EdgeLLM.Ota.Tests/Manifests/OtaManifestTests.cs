using System.Text;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Tests.Manifests;

public sealed class OtaManifestTests
{
    private const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public void The_contract_example_parses_into_every_field()
    {
        var manifest = OtaManifest.Parse(Encoding.UTF8.GetBytes($$"""
            {"model": "iot-assist", "version": "2026.11.1",
             "url": "https://fleet.example/bundles/iot-assist-2026.11.1.tar.gz",
             "sha256": "{{Sha.ToUpperInvariant()}}", "size": 5242880, "min_runtime": "0.1.0",
             "rollout": {"percent": 25, "seed": "wave-3"},
             "signature": "MEUCIQ=="}
            """));

        Assert.Equal("iot-assist", manifest.Model);
        Assert.Equal("2026.11.1", manifest.Version);
        Assert.Equal(new Uri("https://fleet.example/bundles/iot-assist-2026.11.1.tar.gz"), manifest.Url);
        Assert.Equal(Sha, manifest.Sha256);
        Assert.Equal(5242880, manifest.Size);
        Assert.Equal("0.1.0", manifest.MinRuntime);
        Assert.Equal(new OtaRollout(25, "wave-3"), manifest.Rollout);
        Assert.False(manifest.AllowDowngrade);
        Assert.Equal("MEUCIQ==", manifest.Signature);
        Assert.DoesNotContain("signature", Encoding.UTF8.GetString(manifest.CanonicalBytes));
    }

    [Fact]
    public void Optional_fields_take_their_defaults()
    {
        var manifest = OtaManifest.Parse(Encoding.UTF8.GetBytes(Minimal()));

        Assert.Null(manifest.MinRuntime);
        Assert.Equal(OtaRollout.Everyone, manifest.Rollout);
        Assert.Null(manifest.Signature);
    }

    [Theory]
    [InlineData("""[1,2]""", "$", "must be a JSON object")]
    [InlineData("{\"model\": \"m\"", "$", "not valid JSON")]
    [InlineData("""{"version":"1","url":"http://h/b","sha256":"SHA","size":1}""", "model", "is required")]
    [InlineData("""{"model":"../etc","version":"1","url":"http://h/b","sha256":"SHA","size":1}""", "model", "is not a model id")]
    [InlineData("""{"model":"m","version":"1/2","url":"http://h/b","sha256":"SHA","size":1}""", "version", "is not a version")]
    [InlineData("""{"model":"m","version":"..","url":"http://h/b","sha256":"SHA","size":1}""", "version", "is not a version")]
    [InlineData("""{"model":"m","version":1,"url":"http://h/b","sha256":"SHA","size":1}""", "version", "must be a string")]
    [InlineData("""{"model":"m","version":"1","url":"ftp://h/b","sha256":"SHA","size":1}""", "url", "absolute http or https")]
    [InlineData("""{"model":"m","version":"1","url":"b.tar.gz","sha256":"SHA","size":1}""", "url", "absolute http or https")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"abc","size":1}""", "sha256", "64 hexadecimal digits")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":0}""", "size", "positive integer")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":1.5}""", "size", "positive integer")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":"1"}""", "size", "positive integer")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":1,"min_runtime":"x y"}""", "min_runtime", "is not a version")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":1,"rollout":{"percent":101}}""", "rollout.percent", "0 to 100")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":1,"rollout":{"seed":"s"}}""", "rollout.percent", "0 to 100")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":1,"rollout":{"percent":5,"seed":7}}""", "rollout.seed", "must be a string")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":1,"rollout":25}""", "rollout", "must be an object")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":1,"allow_downgrade":"yes"}""", "allow_downgrade", "true or false")]
    [InlineData("""{"model":"m","version":"1","url":"http://h/b","sha256":"SHA","size":1,"signature":"not base64!"}""", "signature", "base64")]
    [InlineData("""{"model":"m","model":"n","version":"1","url":"http://h/b","sha256":"SHA","size":1}""", "model", "more than once")]
    public void Every_invalid_field_is_named(string json, string field, string message)
    {
        var error = Assert.Throws<OtaManifestException>(() => OtaManifest.Parse(Encoding.UTF8.GetBytes(json.Replace("SHA", Sha, StringComparison.Ordinal))));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_packed_manifest_may_hold_a_bare_file_name_until_published()
    {
        var json = Encoding.UTF8.GetBytes(Minimal().Replace("http://h/b.tar.gz", "m-1.tar.gz", StringComparison.Ordinal));

        var manifest = OtaManifest.Parse(json, requirePublishableUrl: false);

        Assert.Null(manifest.Url);
        Assert.Equal("m-1.tar.gz", manifest.UrlText);
        Assert.Throws<OtaManifestException>(() => OtaManifest.Parse(json));
    }

    [Fact]
    public void Unknown_fields_are_allowed_and_covered_by_the_canonical_bytes()
    {
        var plain = OtaManifest.Parse(Encoding.UTF8.GetBytes(Minimal()));
        var extended = OtaManifest.Parse(Encoding.UTF8.GetBytes(Minimal().Replace("{", """{"notes":"hello",""", StringComparison.Ordinal)));

        Assert.NotEqual(plain.CanonicalBytes, extended.CanonicalBytes);
        Assert.Contains("\"notes\":\"hello\"", Encoding.UTF8.GetString(extended.CanonicalBytes));
    }

    private static string Minimal() => $$"""{"model":"m","version":"1","url":"http://h/b.tar.gz","sha256":"{{Sha}}","size":10}""";
}
