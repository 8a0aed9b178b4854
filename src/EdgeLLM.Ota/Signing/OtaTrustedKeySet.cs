using System.Security.Cryptography;

namespace EdgeLLM.Ota.Signing;

/// <summary>
/// The public keys a device trusts: every <c>*.pem</c> file of the trusted-keys directory
/// (<c>EdgeLLM:Ota:TrustedKeysDir</c>). Files that hold no P-256 public key are listed in
/// <see cref="Problems"/> rather than failing the whole set, so one bad file cannot lock a device out.
/// </summary>
public sealed class OtaTrustedKeySet : IDisposable
{
    private readonly List<OtaTrustedKey> _keys;

    /// <param name="keys">The keys; the set owns and disposes them.</param>
    /// <param name="problems">Files that could not be used, with the reason.</param>
    /// <param name="source">Where the keys came from, for messages.</param>
    public OtaTrustedKeySet(IEnumerable<OtaTrustedKey> keys, IEnumerable<string>? problems = null, string source = "(in memory)")
    {
        _keys = [.. keys];
        Problems = [.. problems ?? []];
        Source = source;
    }

    /// <summary>The keys, in file-name order.</summary>
    public IReadOnlyList<OtaTrustedKey> Keys => _keys;

    /// <summary>One line per file that could not be used, with the reason.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Where the keys were loaded from, for messages.</summary>
    public string Source { get; }

    /// <summary>Loads every <c>*.pem</c> file in <paramref name="directory"/>; a missing directory gives an empty set.</summary>
    public static OtaTrustedKeySet LoadDirectory(string directory)
    {
        var keys = new List<OtaTrustedKey>();
        var problems = new List<string>();
        if (Directory.Exists(directory))
        {
            var files = Directory.GetFiles(directory, "*.pem");
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                try
                {
                    keys.Add(OtaTrustedKey.FromPemFile(file));
                }
                catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
                {
                    problems.Add($"{Path.GetFileName(file)}: {e.Message}");
                }
            }
        }
        else
        {
            problems.Add($"{directory} does not exist");
        }

        return new OtaTrustedKeySet(keys, problems, directory);
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}
