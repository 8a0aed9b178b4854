namespace EdgeLLM.Cli.Tests.Support;

/// <summary>Runs <c>edgellm</c> in process through <see cref="CliApp.RunAsync(string[], TextWriter?, TextWriter?, TextReader?, CancellationToken)"/>.</summary>
internal static class InProcess
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, string? input = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, input is null ? null : new StringReader(input));
        return (code, output.ToString(), error.ToString());
    }
}
