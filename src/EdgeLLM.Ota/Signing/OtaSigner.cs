using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Signing;

/// <summary>
/// Signs manifests: ECDSA P-256 over SHA-256 of the canonical JSON without <c>signature</c>, written as
/// base64 of the DER encoding (<c>SEQUENCE { r INTEGER, s INTEGER }</c>, what <c>openssl dgst -sha256 -sign</c> writes).
/// </summary>
public static class OtaSigner
{
    /// <summary>
    /// Validates <paramref name="manifestJson"/> as a publishable manifest, signs it and returns the manifest with
    /// its <c>signature</c> field set (replaced when present), as indented JSON. Other fields keep their values.
    /// </summary>
    /// <exception cref="OtaManifestException">The manifest is invalid (the signed manifest would be refused by devices).</exception>
    public static string Sign(ReadOnlySpan<byte> manifestJson, ECDsa privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var manifest = OtaManifest.Parse(manifestJson, requirePublishableUrl: true);
        var signature = privateKey.SignData(manifest.CanonicalBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var node = JsonNode.Parse(manifestJson, documentOptions: new JsonDocumentOptions { MaxDepth = 32 })!.AsObject();
        node[OtaManifest.SignatureField] = Convert.ToBase64String(signature);
        return node.ToJsonString(OtaJson.Indented) + "\n";
    }
}
