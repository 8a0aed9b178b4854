using System.Security.Cryptography;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Cli.Ota;

/// <summary>
/// Reads a manifest file and checks it as a device would: every field, and the signature against a public key PEM
/// (or every <c>*.pem</c> of a directory, like a device's trusted-keys). Shared by <c>ota verify</c> and <c>ota publish</c>.
/// </summary>
internal static class OtaManifestCheck
{
    /// <returns>The file's bytes and the parsed manifest with the verifier's note, or the reason it does not verify.</returns>
    public static async Task<OtaManifestCheckResult> RunAsync(string manifestPath, string keyPath, CancellationToken cancellationToken)
    {
        byte[] bytes;
        OtaManifest manifest;
        try
        {
            bytes = await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false);
            manifest = OtaManifest.Parse(bytes);
        }
        catch (Exception e) when (e is OtaManifestException or IOException or UnauthorizedAccessException)
        {
            return OtaManifestCheckResult.Failed(e.Message);
        }

        try
        {
            using var keys = Directory.Exists(keyPath)
                ? OtaTrustedKeySet.LoadDirectory(keyPath)
                : new OtaTrustedKeySet([OtaTrustedKey.FromPemFile(keyPath)], source: keyPath);
            var verification = OtaSignatureVerifier.Verify(manifest, keys);
            return verification.IsValid
                ? new OtaManifestCheckResult(bytes, manifest, verification.Reason, null)
                : OtaManifestCheckResult.Failed(verification.Reason);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return OtaManifestCheckResult.Failed(e.Message);
        }
    }
}
