using System.Security.Cryptography;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Signing;

/// <summary>
/// Checks a manifest's ECDSA P-256 / SHA-256 signature over its canonical JSON against trusted keys.
/// Both signature encodings are accepted: DER (what <c>edgellm ota sign</c> and <c>openssl dgst -sign</c>
/// write) and IEEE P1363 (<c>r||s</c>, 64 bytes, what JOSE and WebCrypto use).
/// </summary>
public static class OtaSignatureVerifier
{
    /// <summary>Verifies <paramref name="manifest"/> against every key of <paramref name="keys"/>; valid when one verifies it.</summary>
    public static OtaSignatureVerification Verify(OtaManifest manifest, OtaTrustedKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(keys);
        if (manifest.Signature is null)
        {
            return new OtaSignatureVerification(false, null, "the manifest is not signed (no 'signature' field)");
        }

        if (keys.Keys.Count == 0)
        {
            var problems = keys.Problems.Count == 0 ? "" : $" ({string.Join("; ", keys.Problems)})";
            return new OtaSignatureVerification(false, null, $"no trusted public keys in {keys.Source}{problems}");
        }

        var signature = Convert.FromBase64String(manifest.Signature);
        foreach (var key in keys.Keys)
        {
            if (Verify(key.Key, manifest.CanonicalBytes, signature))
            {
                return new OtaSignatureVerification(true, key.Name, $"signed by trusted key {key.Name}");
            }
        }

        return new OtaSignatureVerification(false, null,
            $"the signature matches none of the {keys.Keys.Count} trusted key(s) in {keys.Source}: the manifest was changed after signing or signed with an untrusted key");
    }

    /// <summary>Verifies a signature in either encoding with one key.</summary>
    public static bool Verify(ECDsa key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        // Each encoding's parser is strict, so trying both cannot make a bad signature pass.
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
               || key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
