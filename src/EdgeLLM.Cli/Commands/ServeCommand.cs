using System.CommandLine;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm serve [--config FILE] [--EdgeLLM:Key=value …]</c>: runs the service (MQTT, REST, OTA) until
/// SIGTERM/Ctrl-C. Exit code 0 after a clean stop, 1 when the configuration or the model is unusable.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = $"Configuration file (default: {EdgeLLMConfiguration.SystemFile}, then ./{EdgeLLMConfiguration.DevelopmentFile})" };
        var command = new Command("serve", "Run the EdgeLLM service: MQTT request/response, the local REST API and OTA updates.") { config };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            WebApplication app;
            try
            {
                app = ServiceHost.Build(parse.UnmatchedTokens.ToArray(), parse.GetValue(config));
            }
            catch (Exception e) when (e is OptionsValidationException or FileNotFoundException or InvalidDataException or FormatException or InvalidOperationException)
            {
                await console.Error.WriteLineAsync($"edgellm serve: configuration error: {Describe(e)}").ConfigureAwait(false);
                return 1;
            }
            try
            {
                await app.RunAsync().ConfigureAwait(false);
            }
            catch (OptionsValidationException e)
            {
                await console.Error.WriteLineAsync($"edgellm serve: configuration error: {Describe(e)}").ConfigureAwait(false);
                return 1;
            }
            finally
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
            return Environment.ExitCode;
        });
        return command;
    }

    private static string Describe(Exception e) => e is OptionsValidationException v ? string.Join("; ", v.Failures) : e.Message;
}
