using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Signing;

public sealed class OtaSigningTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-ota-sign-").FullName;
    private readonly OtaKeyPair _key = OtaKeyPair.Generate();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Keygen_writes_a_pkcs8_private_key_readable_only_by_its_owner_and_an_spki_public_key()
    {
        var (privatePath, publicPath) = await _key.WriteAsync(Path.Combine(_root, "fleet"), overwrite: false, CancellationToken.None);

        Assert.Equal(Path.Combine(_root, "fleet.pem"), privatePath);
        Assert.Equal(Path.Combine(_root, "fleet.pub.pem"), publicPath);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(privatePath));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(publicPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privatePath));
        var (code, text) = ExternalTool.Run("openssl", "pkey", "-in", privatePath, "-noout", "-text");
        Assert.True(code == 0, text);
        Assert.Contains("prime256v1", text);
        await Assert.ThrowsAsync<IOException>(() => OtaKeyPair.Generate().WriteAsync(Path.Combine(_root, "fleet"), overwrite: false, CancellationToken.None));
    }

    [Fact]
    public void A_signed_manifest_verifies_with_its_public_key_and_names_the_key_file()
    {
        var signed = Sign(Manifest());
        using var keys = TrustedKeys(("other.pem", OtaKeyPair.Generate()), ("fleet.pem", _key));

        var verification = OtaSignatureVerifier.Verify(OtaManifest.Parse(signed), keys);

        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal("fleet.pem", verification.KeyName);
    }

    [Fact]
    public void Reformatting_and_reordering_a_signed_manifest_keeps_it_valid()
    {
        var signed = JsonNode.Parse(Sign(Manifest()))!.AsObject();
        var reordered = new JsonObject();
        foreach (var name in signed.Select(p => p.Key).Reverse().ToList())
        {
            reordered[name] = signed[name]!.DeepClone();
        }

        using var keys = TrustedKeys(("fleet.pem", _key));
        var verification = OtaSignatureVerifier.Verify(OtaManifest.Parse(Encoding.UTF8.GetBytes(reordered.ToJsonString())), keys);

        Assert.True(verification.IsValid, verification.Reason);
    }

    [Theory]
    [InlineData("version", "2026.11.2")]
    [InlineData("url", "https://evil.example/b.tar.gz")]
    [InlineData("sha256", "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("allow_downgrade", "true")]
    public void Changing_any_field_after_signing_breaks_the_signature(string field, string value)
    {
        var signed = JsonNode.Parse(Sign(Manifest()))!.AsObject();
        signed[field] = field == "allow_downgrade" ? JsonValue.Create(true) : JsonValue.Create(value);
        using var keys = TrustedKeys(("fleet.pem", _key));

        var verification = OtaSignatureVerifier.Verify(OtaManifest.Parse(Encoding.UTF8.GetBytes(signed.ToJsonString())), keys);

        Assert.False(verification.IsValid);
        Assert.Contains("changed after signing or signed with an untrusted key", verification.Reason);
    }

    [Fact]
    public void The_signature_is_der_and_openssl_verifies_it_over_the_canonical_bytes()
    {
        var manifest = OtaManifest.Parse(Sign(Manifest()));
        var signature = Convert.FromBase64String(manifest.Signature!);
        Assert.Equal(0x30, signature[0]); // DER SEQUENCE
        var data = Write("canonical.json", manifest.CanonicalBytes);
        var sig = Write("sig.der", signature);
        var pub = Write("fleet.pub.pem", Encoding.ASCII.GetBytes(_key.PublicKeyPem));

        var (code, output) = ExternalTool.Run("openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig, data);

        Assert.True(code == 0, output);
        Assert.Contains("Verified OK", output);
    }

    [Fact]
    public void A_der_signature_made_by_openssl_and_a_p1363_signature_both_verify()
    {
        var unsigned = OtaManifest.Parse(Encoding.UTF8.GetBytes(Manifest().ToJsonString()));
        var data = Write("canonical.json", unsigned.CanonicalBytes);
        var key = Write("fleet.pem", Encoding.ASCII.GetBytes(_key.PrivateKeyPem));
        var sig = Path.Combine(_root, "openssl.sig");
        var (code, output) = ExternalTool.Run("openssl", "dgst", "-sha256", "-sign", key, "-out", sig, data);
        Assert.True(code == 0, output);
        using var ecdsa = OtaKeys.LoadPrivateKey(_key.PrivateKeyPem, "test");
        var p1363 = ecdsa.SignData(unsigned.CanonicalBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Assert.Equal(64, p1363.Length);
        using var keys = TrustedKeys(("fleet.pem", _key));

        foreach (var signature in new[] { File.ReadAllBytes(sig), p1363 })
        {
            var withSignature = Manifest();
            withSignature["signature"] = Convert.ToBase64String(signature);
            var verification = OtaSignatureVerifier.Verify(OtaManifest.Parse(Encoding.UTF8.GetBytes(withSignature.ToJsonString())), keys);
            Assert.True(verification.IsValid, verification.Reason);
        }
    }

    [Fact]
    public void Signing_refuses_a_manifest_devices_would_refuse()
    {
        var manifest = Manifest();
        manifest["url"] = "iot-assist-2026.11.1.tar.gz";
        using var ecdsa = OtaKeys.LoadPrivateKey(_key.PrivateKeyPem, "test");

        var error = Assert.Throws<OtaManifestException>(() => OtaSigner.Sign(Encoding.UTF8.GetBytes(manifest.ToJsonString()), ecdsa));

        Assert.Equal("url", error.Field);
    }

    [Fact]
    public void Keys_on_other_curves_are_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<CryptographicException>(() => OtaKeys.LoadPublicKey(p384.ExportSubjectPublicKeyInfoPem(), "p384.pem"));

        Assert.Contains("must be P-256", error.Message);
    }

    [Fact]
    public void A_trusted_keys_directory_lists_files_it_cannot_use()
    {
        var directory = Path.Combine(_root, "keys");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "a.pem"), _key.PublicKeyPem);
        File.WriteAllText(Path.Combine(directory, "b.pem"), "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n");
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "ignored: not a .pem");

        using var keys = OtaTrustedKeySet.LoadDirectory(directory);

        Assert.Equal(["a.pem"], keys.Keys.Select(k => k.Name));
        Assert.Single(keys.Problems, p => p.StartsWith("b.pem: ", StringComparison.Ordinal));
    }

    private static JsonObject Manifest() => new()
    {
        ["model"] = "iot-assist",
        ["version"] = "2026.11.1",
        ["url"] = "https://fleet.example/bundles/iot-assist-2026.11.1.tar.gz",
        ["sha256"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["size"] = 5242880,
        ["min_runtime"] = "0.1.0",
        ["rollout"] = new JsonObject { ["percent"] = 25, ["seed"] = "wave-3" },
    };

    private byte[] Sign(JsonObject manifest)
    {
        using var ecdsa = OtaKeys.LoadPrivateKey(_key.PrivateKeyPem, "test");
        return Encoding.UTF8.GetBytes(OtaSigner.Sign(Encoding.UTF8.GetBytes(manifest.ToJsonString()), ecdsa));
    }

    private static OtaTrustedKeySet TrustedKeys(params (string Name, OtaKeyPair Key)[] keys) =>
        new(keys.Select(k => new OtaTrustedKey(k.Name, OtaKeys.LoadPublicKey(k.Key.PublicKeyPem, k.Name))));

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
