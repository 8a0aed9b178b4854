using EdgeLLM.Cli.Models;
using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Cli.Common;

/// <summary>Finds a model and the serving plan for it, as the service does; every failure becomes a <see cref="CliException"/>.</summary>
internal static class CliModelLoader
{
    private static readonly Lazy<ILoggerFactory> Logs = new(() => LoggerFactory.Create(b => b
        .SetMinimumLevel(LogLevel.Warning)
        // Which executor runs the model is worth a line on every command that loads one.
        .AddFilter(typeof(ExecutorFactory).FullName, LogLevel.Information)
        .AddSimpleConsole(c => c.SingleLine = true)
        .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)));

    /// <summary>Logs on stderr: warnings, and the executor chosen at load.</summary>
    public static ILoggerFactory StderrLogs => Logs.Value;

    /// <summary>The directory of <paramref name="model"/> (a directory, an id, or null for <c>EdgeLLM:Model</c> else the default).</summary>
    public static string ResolveDirectory(string? model, string? stateDirectory = null)
    {
        var settings = CliSettings.Load();
        try
        {
            return ModelCatalog.ForState(StatePaths.Resolve(stateDirectory ?? settings.StateDir)).Resolve(model ?? settings.Model);
        }
        catch (ModelLoadException e)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", e.Message, e);
        }
    }

    /// <summary>
    /// The serving plan the service would use here (<see cref="ServingPlanFactory"/>: the configured or detected device
    /// profile, <c>EdgeLLM:Engine</c>, <c>EdgeLLM:Onnx:LibraryPath</c>), with the command line's executor, threads and
    /// sequence length over it.
    /// </summary>
    public static ServingPlan Plan(ExecutorKind? executor = null, int threads = 0, int maxSequenceLength = 0, EdgeLLMOptions? settings = null)
    {
        settings ??= CliSettings.Load();
        ServingPlan plan;
        try
        {
            plan = ServingPlanFactory.Create(settings, StderrLogs.CreateLogger(typeof(CliModelLoader).FullName!));
        }
        catch (Exception e) when (e is KeyNotFoundException or DeviceProfileException)
        {
            throw CliException.BadRequest(e.Message);
        }
        return plan with
        {
            Executor = executor ?? plan.Executor,
            Threads = threads > 0 ? threads : plan.Threads,
            MaxSequenceLength = maxSequenceLength > 0 ? maxSequenceLength : plan.MaxSequenceLength,
        };
    }
}
