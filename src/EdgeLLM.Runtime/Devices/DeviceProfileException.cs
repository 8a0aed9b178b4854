namespace EdgeLLM.Runtime.Devices;

/// <summary>A device profile that cannot be read or is invalid; the message names the file and the field.</summary>
public sealed class DeviceProfileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeviceProfileException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
