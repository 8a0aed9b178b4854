using System.Text.Json.Nodes;
using EdgeLLM.Cli.Tests.Ota.Support;

namespace EdgeLLM.Cli.Tests.Ota;

public sealed class OtaCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-ota-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Keygen_pack_sign_verify_is_the_operator_workflow()
    {
        var model = CliModelDirectory.Create(Path.Combine(_root, "iot-test"), "2026.11.1");
        var keys = Path.Combine(_root, "keys", "fleet");
        var bundles = Path.Combine(_root, "bundles");

        var keygen = await CliRunner.RunAsync("ota", "keygen", "--out", keys);
        var pack = await CliRunner.RunAsync("ota", "pack", model, "--out", bundles, "--url", "https://fleet.example/bundles/",
            "--min-runtime", "0.1.0", "--rollout-percent", "25", "--rollout-seed", "wave-3");
        var manifest = Path.Combine(bundles, "iot-test-2026.11.1.json");
        var sign = await CliRunner.RunAsync("ota", "sign", manifest, "--key", keys + ".pem");
        var verify = await CliRunner.RunAsync("ota", "verify", manifest, "--key", keys + ".pub.pem", "--bundle", Path.Combine(bundles, "iot-test-2026.11.1.tar.gz"));

        Assert.Equal((0, ""), (keygen.ExitCode, keygen.Error));
        Assert.True(File.Exists(keys + ".pem") && File.Exists(keys + ".pub.pem"));
        Assert.Equal((0, ""), (pack.ExitCode, pack.Error));
        Assert.Contains("iot-test-2026.11.1.tar.gz", pack.Output);
        Assert.Equal((0, ""), (sign.ExitCode, sign.Error));
        Assert.Equal((0, ""), (verify.ExitCode, verify.Error));
        Assert.Contains("verified: iot-test@2026.11.1 (signed by trusted key fleet.pub.pem)", verify.Output);
        var json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        Assert.Equal("https://fleet.example/bundles/iot-test-2026.11.1.tar.gz", json["url"]!.GetValue<string>());
        Assert.Equal(25, json["rollout"]!["percent"]!.GetValue<int>());
        Assert.Equal("0.1.0", json["min_runtime"]!.GetValue<string>());
        Assert.NotEmpty(json["signature"]!.GetValue<string>());
    }

    [Fact]
    public async Task Verify_fails_with_the_reason_for_a_tampered_manifest_a_wrong_key_or_a_wrong_bundle()
    {
        var (manifest, keys, bundle) = await SignedBundleAsync();
        var other = Path.Combine(_root, "other");
        await CliRunner.RunAsync("ota", "keygen", "--out", other);
        var tampered = Path.Combine(_root, "tampered.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        json["allow_downgrade"] = true;
        File.WriteAllText(tampered, json.ToJsonString());
        var wrongBundle = Path.Combine(_root, "wrong.tar.gz");
        File.WriteAllBytes(wrongBundle, [1, 2, 3]);

        var changed = await CliRunner.RunAsync("ota", "verify", tampered, "--key", keys + ".pub.pem");
        var untrusted = await CliRunner.RunAsync("ota", "verify", manifest, "--key", other + ".pub.pem");
        var mismatched = await CliRunner.RunAsync("ota", "verify", manifest, "--key", keys + ".pub.pem", "--bundle", wrongBundle);
        var unsigned = await CliRunner.RunAsync("ota", "verify", Path.Combine(_root, "bundles", "unsigned.json"), "--key", keys + ".pub.pem");

        Assert.Equal(1, changed.ExitCode);
        Assert.Contains($"not verified: the signature matches none of the 1 trusted key(s) in {keys}.pub.pem", changed.Error);
        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("changed after signing or signed with an untrusted key", untrusted.Error);
        Assert.Equal(1, mismatched.ExitCode);
        Assert.Contains("is 3 bytes with SHA-256", mismatched.Error);
        Assert.Equal(1, unsigned.ExitCode);
        Assert.Contains("not verified: the manifest is not signed", unsigned.Error);
        Assert.Equal(0, (await CliRunner.RunAsync("ota", "verify", manifest, "--key", Path.GetDirectoryName(keys)!)).ExitCode);
    }

    [Fact]
    public async Task Pack_refuses_a_directory_without_genai_config()
    {
        var directory = Path.Combine(_root, "empty-model");
        Directory.CreateDirectory(directory);

        var pack = await CliRunner.RunAsync("ota", "pack", directory, "--out", Path.Combine(_root, "out"), "--version", "1");

        Assert.Equal(1, pack.ExitCode);
        Assert.Contains("has no genai_config.json", pack.Error);
    }

    [Fact]
    public async Task Sign_refuses_a_manifest_without_a_download_url()
    {
        var model = CliModelDirectory.Create(Path.Combine(_root, "m"), "1.0");
        await CliRunner.RunAsync("ota", "keygen", "--out", Path.Combine(_root, "k"));
        var pack = await CliRunner.RunAsync("ota", "pack", model, "--out", _root);

        var sign = await CliRunner.RunAsync("ota", "sign", Path.Combine(_root, "iot-test-1.0.json"), "--key", Path.Combine(_root, "k.pem"));

        Assert.Contains("set the bundle's absolute http(s) address before signing", pack.Output);
        Assert.Equal(1, sign.ExitCode);
        Assert.Contains("manifest field 'url'", sign.Error);
    }

    [Fact]
    public async Task Keygen_does_not_overwrite_a_key_unless_forced()
    {
        var prefix = Path.Combine(_root, "fleet");
        await CliRunner.RunAsync("ota", "keygen", "--out", prefix);
        var original = File.ReadAllText(prefix + ".pem");

        var again = await CliRunner.RunAsync("ota", "keygen", "--out", prefix);
        var forced = await CliRunner.RunAsync("ota", "keygen", "--out", prefix, "--force");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("refusing to overwrite", again.Error);
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(original, File.ReadAllText(prefix + ".pem"));
    }

    private async Task<(string Manifest, string Keys, string Bundle)> SignedBundleAsync()
    {
        var model = CliModelDirectory.Create(Path.Combine(_root, "iot-test"), "3.0");
        var keys = Path.Combine(_root, "keys", "fleet");
        var bundles = Path.Combine(_root, "bundles");
        await CliRunner.RunAsync("ota", "keygen", "--out", keys);
        await CliRunner.RunAsync("ota", "pack", model, "--out", bundles, "--url", "http://127.0.0.1:9/bundles/");
        var manifest = Path.Combine(bundles, "iot-test-3.0.json");
        File.Copy(manifest, Path.Combine(bundles, "unsigned.json"));
        Assert.Equal(0, (await CliRunner.RunAsync("ota", "sign", manifest, "--key", keys + ".pem")).ExitCode);
        return (manifest, keys, Path.Combine(bundles, "iot-test-3.0.tar.gz"));
    }
}
