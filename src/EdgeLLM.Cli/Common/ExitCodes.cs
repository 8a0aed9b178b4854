namespace EdgeLLM.Cli.Common;

/// <summary>The exit codes of the model commands (<c>run</c>, <c>chat</c>, <c>models</c>, <c>bench</c>).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Anything not covered below (an ONNX Runtime failure mid-run, an I/O error).</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or a request the model cannot take: empty prompt, max-tokens ≤ 0, prompt too long.</summary>
    public const int BadRequest = 2;

    /// <summary>The model was not found or failed to load (ONNX Runtime missing included).</summary>
    public const int ModelUnavailable = 3;

    /// <summary>Interrupted with Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
