using System.CommandLine;

namespace EdgeLLM.Cli.Ota;

/// <summary>How the ota commands report failure: one line on standard error and exit code 1.</summary>
internal static class OtaCliErrors
{
    public const int Failure = 1;

    public static async Task<int> FailAsync(InvocationConfiguration console, string message)
    {
        await console.Error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
        return Failure;
    }
}
