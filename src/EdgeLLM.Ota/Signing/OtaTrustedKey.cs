using System.Security.Cryptography;

namespace EdgeLLM.Ota.Signing;

/// <summary>One trusted ECDSA P-256 public key and the file it came from.</summary>
public sealed class OtaTrustedKey : IDisposable
{
    public OtaTrustedKey(string name, ECDsa key)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(key);
        Name = name;
        Key = key;
    }

    /// <summary>Where the key came from (its file name), for logs and status messages.</summary>
    public string Name { get; }

    /// <summary>The public key.</summary>
    public ECDsa Key { get; }

    /// <summary>Loads a public key from a PEM file.</summary>
    /// <exception cref="CryptographicException">The file holds no P-256 public key.</exception>
    public static OtaTrustedKey FromPemFile(string path) =>
        new(Path.GetFileName(path), OtaKeys.LoadPublicKey(File.ReadAllText(path), path));

    public void Dispose() => Key.Dispose();
}
