using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Cli.Common;

/// <summary>Maps the runtime's request errors to the CLI's exit codes.</summary>
internal static class GenerationErrors
{
    public static CliException ToCli(GenerationException e) => new(e.Code switch
    {
        GenerationErrorCode.BadRequest or GenerationErrorCode.ContextOverflow or GenerationErrorCode.PayloadTooLarge => ExitCodes.BadRequest,
        GenerationErrorCode.ModelUnavailable => ExitCodes.ModelUnavailable,
        _ => ExitCodes.Failure,
    }, e.WireCode, e.Message, e);
}
