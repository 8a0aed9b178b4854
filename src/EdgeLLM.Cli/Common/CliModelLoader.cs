using EdgeLLM.Cli.Models;
using EdgeLLM.Onnx;
using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Models;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Cli.Common;

/// <summary>Finds and opens the model a command names; every failure becomes a <see cref="CliException"/> with exit code 3.</summary>
internal static class CliModelLoader
{
    private static readonly Lazy<ILoggerFactory> StderrLogs = new(() => LoggerFactory.Create(b => b
        .SetMinimumLevel(LogLevel.Warning)
        .AddSimpleConsole(c => c.SingleLine = true)
        .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)));

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

    public static LanguageModel Load(string directory, int threads = 0, int maxSequenceLength = 0)
    {
        try
        {
            // A configured device profile brings its execution providers; falling back from one is logged on stderr.
            var device = Environment.GetEnvironmentVariable("EDGELLM__DEVICE");
            var providers = device is { Length: > 0 } ? DeviceProfileCatalog.LoadDefault().Get(device).ExecutionProviders : [];
            return LanguageModel.Load(directory, new ModelLoadOptions { IntraOpThreads = threads, Providers = providers, MaxSequenceLength = maxSequenceLength }, StderrLogs.Value);
        }
        catch (Exception e) when (e is KeyNotFoundException or DeviceProfileException)
        {
            throw new CliException(ExitCodes.BadRequest, "bad_request", e.Message, e);
        }
        catch (Exception e) when (e is ModelLoadException or OnnxRuntimeNotFoundException or OnnxRuntimeException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", $"cannot load the model: {e.Message}", e);
        }
    }
}
