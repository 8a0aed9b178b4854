using Microsoft.Extensions.Configuration;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// Where the service reads its settings, in the usual order (later wins): <c>/etc/edgellm/edgellm.json</c>, then
/// <c>./edgellm.json</c> (both optional), or only the file given with <c>--config</c> (which must exist); then
/// <c>EDGELLM__SECTION__KEY</c> environment variables; then <c>--EdgeLLM:Key=value</c> arguments.
/// </summary>
public static class ServiceConfiguration
{
    public const string SystemFile = "/etc/edgellm/edgellm.json";
    public const string DevelopmentFile = "edgellm.json";

    public static IConfigurationBuilder AddEdgeLLMSources(this IConfigurationBuilder builder, string? configFile, string[] args)
    {
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
}
