using System.Runtime;
using EdgeLLM.Ota.Device;
using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Serving.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// Loads the serving model when the host starts — the OTA-installed version when there is one (after OTA's
/// crash recovery), else <c>EdgeLLM:Model</c> or the embedded default — proves it answers, confirms it to OTA,
/// and drains it when the host stops. A model that cannot load stops the service with the reason (systemd
/// then restarts it, and OTA rolls an unconfirmed update back).
/// </summary>
public sealed partial class ModelHostService(
    ModelHost host, IOptions<EdgeLLMOptions> options, IHostApplicationLifetime lifetime, ILogger<ModelHostService> logger,
    OtaUpdater? ota = null) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _startup = Task.CompletedTask;
    private CancellationTokenRegistration _onStopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        host.Drain = TimeSpan.FromSeconds(options.Value.ShutdownDrainSeconds);
        // The drain starts as soon as the host begins to stop, before the transports stop, so that they can still
        // deliver the finals; StopAsync below waits for the same stop (ModelHost starts it once).
        _onStopping = lifetime.ApplicationStopping.Register(() =>
        {
            _stopping.Cancel();
            _ = host.StopAsync();
        });
        // Loading runs in the background so that /healthz answers and systemd sees STATUS= while a large model maps in.
        _startup = Task.Run(() => LoadAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _startup.ConfigureAwait(false);
        await host.StopAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _onStopping.Dispose();
        _stopping.Dispose();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var fromOta = ota is null ? null : await ota.ResolveActiveModelDirectoryAsync(cancellationToken).ConfigureAwait(false);
            var directory = fromOta ?? ModelLocator.Resolve(options.Value.Model, [Path.Combine(StatePaths.Resolve(options.Value.StateDir), "models")]);
            await host.LoadAsync(directory, cancellationToken).ConfigureAwait(false);
            LogProbe(logger, await host.ProbeAsync(cancellationToken).ConfigureAwait(false));
            host.ConfirmServing();
            ReleaseLoadingGarbage();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping while loading or probing: the stopped engine fails the probe, which is not a bad model.
            return;
        }
        catch (Exception e)
        {
            LogLoadFailed(logger, e.Message, e);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return;
        }
        if (ota is null)
        {
            return;
        }
        ota.ConfirmHealthy();
        try
        {
            if (await ota.ResumeInterruptedAsync(cancellationToken).ConfigureAwait(false) is { } resumed)
            {
                LogResumed(logger, resumed.Status.ToString());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A stop that lands while an interrupted update resumes: the journal keeps it for the next start.
        }
    }

    /// <summary>
    /// Loading leaves megabytes of garbage (the tokenizer's JSON, configuration, start-up objects) in a heap that no
    /// collection has visited yet, and an idle device may not allocate enough to trigger one for hours: one aggressive,
    /// compacting collection right after the model serves hands those pages back to the device.
    /// </summary>
    private static void ReleaseLoadingGarbage()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // ONNX Runtime's loading garbage is native: free pages left inside glibc's arenas (about 2 MiB on the default model).
        NativeHeap.Trim();
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Critical, Message = "No model could be loaded: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "The model answered its start-up probe in {Milliseconds:F0} ms")]
    private static partial void LogProbe(ILogger logger, double milliseconds);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Resumed an interrupted OTA update: {Status}")]
    private static partial void LogResumed(ILogger logger, string status);
}
