namespace EdgeLLM.Ota.Manifests;

/// <summary>
/// An OTA manifest is malformed: not JSON, a field missing or of the wrong type, a value out of range.
/// <see cref="Field"/> names the offending field (a JSON path such as <c>rollout.percent</c>), or
/// <c>$</c> when the document as a whole is wrong.
/// </summary>
public sealed class OtaManifestException : Exception
{
    public OtaManifestException(string field, string message, Exception? innerException = null)
        : base($"manifest field '{field}': {message}", innerException)
    {
        Field = field;
    }

    /// <summary>The offending field as a JSON path (<c>$</c> for the whole document).</summary>
    public string Field { get; }
}
