using System.Security.Cryptography;

namespace EdgeLLM.Ota.Signing;

/// <summary>
/// An ECDSA P-256 key pair for signing OTA manifests, as PEM text: the private key as PKCS#8
/// (<c>-----BEGIN PRIVATE KEY-----</c>), the public key as SubjectPublicKeyInfo (<c>-----BEGIN PUBLIC KEY-----</c>),
/// the same formats <c>openssl</c> reads and writes.
/// </summary>
public sealed record OtaKeyPair(string PrivateKeyPem, string PublicKeyPem)
{
    /// <summary>Makes a new random key pair.</summary>
    public static OtaKeyPair Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new OtaKeyPair(key.ExportPkcs8PrivateKeyPem(), key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>
    /// Writes <c>PREFIX.pem</c> (private, mode 0600) and <c>PREFIX.pub.pem</c> (public, mode 0644).
    /// </summary>
    /// <returns>The paths of the private and the public key file.</returns>
    /// <exception cref="IOException">A file exists already and <paramref name="overwrite"/> is false.</exception>
    public async Task<(string PrivateKeyPath, string PublicKeyPath)> WriteAsync(
        string prefix, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var privatePath = Path.GetFullPath(prefix + ".pem");
        var publicPath = Path.GetFullPath(prefix + ".pub.pem");
        if (!overwrite)
        {
            foreach (var path in new[] { privatePath, publicPath })
            {
                if (File.Exists(path))
                {
                    throw new IOException($"{path} exists already; refusing to overwrite a key (pass --force to replace it)");
                }
            }
        }

        var directory = Path.GetDirectoryName(privatePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await WriteFileAsync(privatePath, PrivateKeyPem, UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(publicPath, PublicKeyPem,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, cancellationToken).ConfigureAwait(false);
        return (privatePath, publicPath);
    }

    private static async Task WriteFileAsync(string path, string text, UnixFileMode mode, CancellationToken cancellationToken)
    {
        // Write beside and rename so a key file is never seen half-written; the mode is set at creation so the
        // private key is never readable by others, not even for an instant.
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        await using (var stream = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
