using EdgeLLM.Cli.Models;
using EdgeLLM.Onnx;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Cli.Common;

/// <summary>Finds and opens the model a command names; every failure becomes a <see cref="CliException"/> with exit code 3.</summary>
internal static class CliModelLoader
{
    public static string ResolveDirectory(string? model, string? stateDirectory = null)
    {
        try
        {
            return ModelCatalog.ForState(CliSettings.StateDirectory(stateDirectory)).Resolve(model ?? CliSettings.ConfiguredModel);
        }
        catch (ModelLoadException e)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", e.Message, e);
        }
    }

    public static LanguageModel Load(string directory, int threads = 0)
    {
        try
        {
            return LanguageModel.Load(directory, new ModelLoadOptions { IntraOpThreads = threads });
        }
        catch (Exception e) when (e is ModelLoadException or OnnxRuntimeNotFoundException or OnnxRuntimeException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", $"cannot load the model: {e.Message}", e);
        }
    }
}
