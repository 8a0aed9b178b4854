namespace EdgeLLM.Ota.Bundles;

/// <summary>
/// A bundle was refused while extracting: an entry would leave the staging directory (absolute path,
/// <c>..</c>), is a link, device or FIFO, or the bundle exceeds the size, ratio or entry caps.
/// </summary>
public sealed class UnsafeBundleException : Exception
{
    public UnsafeBundleException(string entry, string message)
        : base(entry.Length == 0 ? message : $"entry '{entry}': {message}")
    {
        Entry = entry;
    }

    /// <summary>The offending entry's name as stored in the archive (empty when the bundle as a whole is at fault).</summary>
    public string Entry { get; }
}
