namespace EdgeLLM.Mqtt.Topics;

/// <summary>
/// Device ids as the contract defines them: only <c>[A-Za-z0-9_-]</c>, so an id is always exactly one topic level.
/// The default id is the host name reduced to those characters (every other character is dropped).
/// </summary>
public static class DeviceId
{
    /// <summary>Used when a host name has no allowed character at all.</summary>
    public const string Fallback = "edgellm-device";

    /// <summary>Whether <paramref name="id"/> is a non-empty string of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }
        foreach (char c in id)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Reduces <paramref name="hostName"/> to <c>[A-Za-z0-9_-]</c> by dropping every other character
    /// (<c>"pi5.local"</c> gives <c>"pi5local"</c>); <see cref="Fallback"/> when nothing is left.
    /// </summary>
    public static string Reduce(string hostName)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        Span<char> buffer = hostName.Length <= 256 ? stackalloc char[hostName.Length] : new char[hostName.Length];
        int length = 0;
        foreach (char c in hostName)
        {
            if (IsAllowed(c))
            {
                buffer[length++] = c;
            }
        }
        return length == 0 ? Fallback : length == hostName.Length ? hostName : new string(buffer[..length]);
    }

    /// <summary>The default device id: this machine's host name, reduced (see <see cref="Reduce"/>).</summary>
    public static string FromHostName() => Reduce(Environment.MachineName);

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
