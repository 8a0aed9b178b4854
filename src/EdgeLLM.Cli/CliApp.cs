using System.CommandLine;
using EdgeLLM.Cli.Commands;

namespace EdgeLLM.Cli;

/// <summary>Builds the <c>edgellm</c> command tree; each command lives in its own type.</summary>
public static class CliApp
{
    /// <summary>Exit code of a command line that does not parse (unknown option, bad value): bad usage.</summary>
    public const int UsageExitCode = 2;

    /// <summary>The root command with every subcommand.</summary>
    /// <param name="input">Where <c>chat</c> reads turns from; null for standard input.</param>
    public static RootCommand Build(TextReader? input = null)
    {
        var root = new RootCommand("EdgeLLM: small language models on edge devices, served over MQTT and a local OpenAI-compatible API.");
        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new VersionAction();
            }
        }
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(Run.RunCommand.Create());
        root.Subcommands.Add(Chat.ChatCommand.Create(input));
        root.Subcommands.Add(Models.ModelsCommand.Create());
        root.Subcommands.Add(Bench.BenchCommand.Create());
        root.Subcommands.Add(Ota.OtaCommand.Create());
        root.Subcommands.Add(Fleet.FleetCommand.Create());
        root.Subcommands.Add(DoctorAction.Create());
        return root;
    }

    /// <summary>Parses and runs a command line; parse errors exit with <see cref="UsageExitCode"/>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, input: null, cancellationToken);

    /// <summary>Parses and runs a command line, with <c>chat</c> reading from <paramref name="input"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output, TextWriter? error, TextReader? input, CancellationToken cancellationToken = default)
    {
        // Cancellation comes from the caller's token (Program's InterruptHandler for Ctrl-C), so that commands
        // finish their own way instead of System.CommandLine ending the invocation with 130 and no output.
        var config = new InvocationConfiguration { ProcessTerminationTimeout = null };
        if (output is not null)
        {
            config.Output = output;
        }
        if (error is not null)
        {
            config.Error = error;
        }
        var parsed = Build(input).Parse(args);
        var code = await parsed.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
        return parsed.Errors.Count > 0 && code == 1 ? UsageExitCode : code;
    }
}
