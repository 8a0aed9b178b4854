using System.CommandLine;

namespace EdgeLLM.Cli.Common;

/// <summary>Reports a <see cref="CliException"/>: one <c>error: ...</c> line on standard error, and with <c>--json</c>
/// also the contract's error final on standard output.</summary>
internal static class CliErrorWriter
{
    public static async Task<int> WriteAsync(InvocationConfiguration console, bool json, string? id, CliException e)
    {
        if (json)
        {
            await console.Output.WriteLineAsync(ResultJson.Error(id, e.Code, e.Message)).ConfigureAwait(false);
        }
        await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
        return e.ExitCode;
    }
}
