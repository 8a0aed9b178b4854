namespace EdgeLLM.Ota.Download;

/// <summary>A bundle could not be downloaded: the server kept failing, timed out, or sent other bytes than the manifest describes.</summary>
public sealed class OtaDownloadException : Exception
{
    public OtaDownloadException(string message, bool isSizeMismatch = false, Exception? innerException = null, bool isStorageError = false)
        : base(message, innerException)
    {
        IsSizeMismatch = isSizeMismatch;
        IsStorageError = isStorageError;
    }

    /// <summary>True when the bundle could not be written locally (disk full, permissions); not retried.</summary>
    public bool IsStorageError { get; }

    /// <summary>True when the server's bundle has another size than the manifest says.</summary>
    public bool IsSizeMismatch { get; }
}
