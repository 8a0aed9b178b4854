using EdgeLLM.Cli.Models;
using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Cli.Common;

/// <summary>Finds and opens the model a command names; every failure becomes a <see cref="CliException"/> with exit code 3.</summary>
internal static class CliModelLoader
{
    private static readonly Lazy<ILoggerFactory> Logs = new(() => LoggerFactory.Create(b => b
        .SetMinimumLevel(LogLevel.Warning)
        // Which executor runs the model is worth a line on every command that loads one.
        .AddFilter(typeof(ExecutorFactory).FullName, LogLevel.Information)
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

    /// <summary>Logs on stderr: warnings, and the executor chosen at load.</summary>
    public static ILoggerFactory StderrLogs => Logs.Value;

    /// <summary>
    /// The executor for CLI commands, as the service chooses it: <c>EDGELLM__ENGINE__EXECUTOR</c>, else the
    /// <c>executor</c> of the profile named by <c>EDGELLM__DEVICE</c>, else EdgeLLM's own loop.
    /// </summary>
    public static ExecutorKind Executor()
    {
        try
        {
            var name = CliSettings.ConfiguredExecutor
                ?? (CliSettings.ConfiguredDevice is { } device ? DeviceProfileCatalog.LoadDefault().Get(device).Executor : null);
            if (name is null)
            {
                return ExecutorKind.EdgeLLM;
            }
            return ExecutorKinds.TryParse(name, out var kind) ? kind
                : throw new CliException(ExitCodes.BadRequest, "bad_request", $"EDGELLM__ENGINE__EXECUTOR must be edgellm or genai, not '{name}'");
        }
        catch (Exception e) when (e is KeyNotFoundException or DeviceProfileException)
        {
            throw new CliException(ExitCodes.BadRequest, "bad_request", e.Message, e);
        }
    }

    public static LanguageModel Load(string directory, ExecutorKind executor, int threads = 0, int maxSequenceLength = 0)
    {
        try
        {
            // A configured device profile brings its execution providers; falling back from one is logged on stderr.
            var device = CliSettings.ConfiguredDevice;
            var providers = device is not null ? DeviceProfileCatalog.LoadDefault().Get(device).ExecutionProviders : [];
            var options = ExecutorFactory.LoadOptionsFor(executor, new ModelLoadOptions { IntraOpThreads = threads, Providers = providers, MaxSequenceLength = maxSequenceLength });
            return LanguageModel.Load(directory, options, StderrLogs);
        }
        catch (Exception e) when (e is KeyNotFoundException or DeviceProfileException)
        {
            throw new CliException(ExitCodes.BadRequest, "bad_request", e.Message, e);
        }
        catch (ModelLoadException e)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", $"cannot load the model: {e.Message}", e);
        }
    }
}
