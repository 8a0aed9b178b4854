namespace EdgeLLM.Cli.Common;

/// <summary>A failure a command reports as one line (or a JSON error object) and an exit code.</summary>
internal sealed class CliException(int exitCode, string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The process exit code (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The contract's error code (<c>bad_request</c>, <c>model_unavailable</c>, ...).</summary>
    public string Code { get; } = code;

    public static CliException BadRequest(string message) => new(ExitCodes.BadRequest, "bad_request", message);
}
