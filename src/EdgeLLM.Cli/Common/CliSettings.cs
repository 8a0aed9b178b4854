using EdgeLLM.Service.Hosting;

namespace EdgeLLM.Cli.Common;

/// <summary>The settings the model commands take from the environment, as the service does
/// (<c>EDGELLM__MODEL</c>, <c>EDGELLM__STATEDIR</c>); command-line options override them.</summary>
internal static class CliSettings
{
    /// <summary>The model to use when no <c>--model</c> is given: <c>EDGELLM__MODEL</c>, else null (the default model).</summary>
    public static string? ConfiguredModel => Environment.GetEnvironmentVariable("EDGELLM__MODEL") is { Length: > 0 } m ? m : null;

    /// <summary><c>EDGELLM__ENGINE__EXECUTOR</c> when set (<c>edgellm</c> or <c>genai</c>); it overrides the device profile's executor.</summary>
    public static string? ConfiguredExecutor => Environment.GetEnvironmentVariable("EDGELLM__ENGINE__EXECUTOR") is { Length: > 0 } e ? e : null;

    /// <summary>The device profile named by <c>EDGELLM__DEVICE</c>, or null.</summary>
    public static string? ConfiguredDevice => Environment.GetEnvironmentVariable("EDGELLM__DEVICE") is { Length: > 0 } d ? d : null;

    /// <summary>The state directory: <paramref name="explicitDirectory"/>, <c>EDGELLM__STATEDIR</c>, systemd's, or ~/.local/share/edgellm.</summary>
    public static string StateDirectory(string? explicitDirectory = null) =>
        StatePaths.Resolve(explicitDirectory ?? Environment.GetEnvironmentVariable("EDGELLM__STATEDIR"));
}
