using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Serving.Configuration;

/// <summary>
/// Where EdgeLLM reads its settings, for <c>serve</c> and every other command alike, in the usual order (later wins):
/// <c>/etc/edgellm/edgellm.json</c>, then <c>./edgellm.json</c> (both optional), or only the file given with
/// <c>--config</c> (which must exist); then <c>EDGELLM__SECTION__KEY</c> environment variables; then
/// <c>--EdgeLLM:Key=value</c> arguments.
/// </summary>
public static class EdgeLLMConfiguration
{
    public const string SystemFile = "/etc/edgellm/edgellm.json";
    public const string DevelopmentFile = "edgellm.json";

    /// <summary>Replaces <paramref name="builder"/>'s sources with EdgeLLM's.</summary>
    /// <exception cref="FileNotFoundException"><paramref name="configFile"/> is given and does not exist.</exception>
    public static IConfigurationBuilder AddEdgeLLMSources(this IConfigurationBuilder builder, string? configFile, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Sources.Clear();
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"the configuration file {full} does not exist", full);
            }
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }
        else
        {
            builder.AddJsonFile(SystemFile, optional: true, reloadOnChange: false);
            builder.AddJsonFile(Path.GetFullPath(DevelopmentFile), optional: true, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables();
        builder.AddCommandLine(args);
        return builder;
    }

    /// <summary>
    /// The <c>EdgeLLM</c> section read from those sources, bound and validated as the service validates it at start-up:
    /// what a command that runs without the host (<c>run</c>, <c>chat</c>, <c>bench</c>, <c>doctor</c>) uses.
    /// </summary>
    /// <exception cref="FileNotFoundException"><paramref name="configFile"/> is given and does not exist.</exception>
    /// <exception cref="InvalidDataException">A configuration file is not valid JSON.</exception>
    /// <exception cref="OptionsValidationException">A setting is invalid; each failure names its key.</exception>
    public static EdgeLLMOptions LoadOptions(string? configFile = null, string[]? args = null)
    {
        return Bind(new ConfigurationBuilder().AddEdgeLLMSources(configFile, args ?? []).Build());
    }

    /// <summary>Binds and validates the <c>EdgeLLM</c> section of <paramref name="configuration"/>.</summary>
    /// <exception cref="OptionsValidationException">A setting is invalid; each failure names its key.</exception>
    public static EdgeLLMOptions Bind(IConfiguration configuration)
    {
        var options = configuration.GetSection(EdgeLLMOptions.SectionName).Get<EdgeLLMOptions>() ?? new EdgeLLMOptions();
        var validation = new EdgeLLMOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(EdgeLLMOptions.SectionName, typeof(EdgeLLMOptions), validation.Failures);
        }
        return options;
    }
}
