namespace EdgeLLM.Runtime.Models;

/// <summary>
/// EdgeLLM's folder in the user's cache, by the XDG rule: <c>$XDG_CACHE_HOME/edgellm</c>, else
/// <c>~/.cache/edgellm</c>. For what can be rebuilt at any time: bench models, saved prepacked weights.
/// </summary>
public static class UserCacheFolder
{
    /// <summary>The folder <paramref name="name"/> in it; null where the user has neither <c>XDG_CACHE_HOME</c> nor a home folder.</summary>
    public static string? Of(string name)
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache")
            : null;
        return cache is null ? null : Path.Combine(cache, "edgellm", name);
    }
}
