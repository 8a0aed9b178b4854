using EdgeLLM.Serving.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Cli.Common;

/// <summary>
/// The settings of the commands that run a model, read exactly as <c>edgellm serve</c> reads them
/// (<see cref="EdgeLLMConfiguration"/>: <c>/etc/edgellm/edgellm.json</c>, <c>./edgellm.json</c>, <c>EDGELLM__*</c>
/// variables) and validated alike; command-line options override them.
/// </summary>
internal static class CliSettings
{
    /// <summary>The <c>EdgeLLM</c> section, read anew each time (tests change the environment between commands).</summary>
    /// <param name="configFile">Only this file instead of the two default ones (<c>--config</c>).</param>
    /// <exception cref="CliException">The configuration cannot be read or is invalid (exit code 2).</exception>
    public static EdgeLLMOptions Load(string? configFile = null)
    {
        try
        {
            return EdgeLLMConfiguration.LoadOptions(configFile);
        }
        catch (OptionsValidationException e)
        {
            throw CliException.BadRequest($"configuration error: {string.Join("; ", e.Failures)}");
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or InvalidOperationException)
        {
            throw CliException.BadRequest($"configuration error: {e.Message}");
        }
    }

    /// <summary>The state directory: <paramref name="explicitDirectory"/>, <c>EdgeLLM:StateDir</c>, systemd's, or ~/.local/share/edgellm.</summary>
    public static string StateDirectory(string? explicitDirectory = null) =>
        StatePaths.Resolve(explicitDirectory ?? Load().StateDir);
}
