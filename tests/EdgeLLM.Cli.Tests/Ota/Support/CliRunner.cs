using System.CommandLine;
using EdgeLLM.Cli.Ota;

namespace EdgeLLM.Cli.Tests.Ota.Support;

/// <summary>Runs the <c>ota</c> command group in process, the way the <c>edgellm</c> root command does, capturing its output.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand("edgellm") { OtaCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
