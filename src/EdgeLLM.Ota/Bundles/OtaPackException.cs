namespace EdgeLLM.Ota.Bundles;

/// <summary>A model directory cannot be packed into a bundle; the message says why and what to pass instead.</summary>
public sealed class OtaPackException : Exception
{
    public OtaPackException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
