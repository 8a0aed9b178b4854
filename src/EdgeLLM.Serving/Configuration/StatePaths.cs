namespace EdgeLLM.Serving.Configuration;

/// <summary>Where state lives: <c>EdgeLLM:StateDir</c>, systemd's <c>STATE_DIRECTORY</c>, or ~/.local/share/edgellm.</summary>
public static class StatePaths
{
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }
        var systemd = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        if (!string.IsNullOrWhiteSpace(systemd))
        {
            return systemd.Split(':')[0];
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrWhiteSpace(xdg) ? Path.Combine(home, ".local", "share") : xdg, "edgellm");
    }

    /// <summary>The host name reduced to [A-Za-z0-9_-] (contract: the default device id).</summary>
    public static string DefaultDeviceId()
    {
        var reduced = new string(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return reduced.Length == 0 ? "edgellm-device" : reduced[..Math.Min(64, reduced.Length)];
    }
}
