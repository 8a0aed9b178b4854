using System.Security.Cryptography;

namespace EdgeLLM.Ota.Signing;

/// <summary>Loads ECDSA P-256 keys from PEM text and checks that they are P-256.</summary>
public static class OtaKeys
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Loads a private key (PKCS#8 <c>PRIVATE KEY</c> or SEC1 <c>EC PRIVATE KEY</c> PEM).</summary>
    /// <exception cref="CryptographicException">Not a PEM private key, encrypted, or not on P-256.</exception>
    public static ECDsa LoadPrivateKey(string pem, string source) => Load(pem, source, requirePrivate: true);

    /// <summary>Loads a public key (SubjectPublicKeyInfo <c>PUBLIC KEY</c> PEM).</summary>
    /// <exception cref="CryptographicException">Not a PEM public key or not on P-256.</exception>
    public static ECDsa LoadPublicKey(string pem, string source) => Load(pem, source, requirePrivate: false);

    private static ECDsa Load(string pem, string source, bool requirePrivate)
    {
        if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
        {
            throw new CryptographicException($"{source}: encrypted private keys are not supported; decrypt it with 'openssl pkcs8' first");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: false);
            if (parameters.Curve.Oid?.Value != P256Oid && parameters.Curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
            {
                throw new CryptographicException($"{source}: the key is on curve {parameters.Curve.Oid?.FriendlyName ?? parameters.Curve.Oid?.Value ?? "(unnamed)"}, OTA keys must be P-256");
            }

            if (requirePrivate && !pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                throw new CryptographicException($"{source}: holds no private key");
            }

            return key;
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new CryptographicException($"{source}: no PEM {(requirePrivate ? "private" : "public")} key found ({e.Message})", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
