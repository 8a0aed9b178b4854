using System.CommandLine;
using EdgeLLM.Cli.Commands;

namespace EdgeLLM.Cli;

/// <summary>Builds the <c>edgellm</c> command tree; each command lives in its own type under Commands/.</summary>
public static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("EdgeLLM: small language models on edge devices, served over MQTT and a local OpenAI-compatible API.");
        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new VersionAction();
            }
        }
        root.Subcommands.Add(Ota.OtaCommand.Create());
        root.Subcommands.Add(DoctorAction.Create());
        return root;
    }

    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var config = new InvocationConfiguration();
        if (output is not null)
        {
            config.Output = output;
        }
        if (error is not null)
        {
            config.Error = error;
        }
        return Build().Parse(args).InvokeAsync(config, cancellationToken);
    }
}
