using EdgeLLM.Service.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Systemd;

/// <summary>
/// Tells systemd how the service is doing: <c>READY=1</c> once a model serves (not merely once the process
/// started), <c>STATUS=</c> lines on the way, <c>WATCHDOG=1</c> at half <c>WATCHDOG_USEC</c> but only while the
/// engine loop keeps moving (a stuck engine stops the pings and systemd restarts the service), and
/// <c>STOPPING=1</c> when the host begins to stop.
/// </summary>
public sealed partial class SystemdLifetimeService(
    SystemdNotifier notifier, SystemdEnvironment environment, ModelHost host, IHostApplicationLifetime lifetime,
    ILogger<SystemdLifetimeService> logger, TimeProvider? time = null) : BackgroundService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled)
        {
            return;
        }
        lifetime.ApplicationStopping.Register(() => notifier.Stopping("stopping: finishing in-flight requests"));
        notifier.Status("loading the model");
        while (!host.IsReady && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(100, stoppingToken).ConfigureAwait(false);
        }
        if (host.Current is { } current)
        {
            notifier.Ready($"serving {current.Model.Identity.Id} {current.Model.Identity.Version} on {current.Model.ExecutionProvider}");
        }
        host.ModelChanged += loaded => notifier.Status($"serving {loaded.Model.Identity.Id} {loaded.Model.Identity.Version} on {loaded.Model.ExecutionProvider}");
        if (environment.WatchdogInterval is not { } interval)
        {
            return;
        }
        var period = interval / 2;
        using var timer = new PeriodicTimer(period, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (EngineAlive(period))
            {
                notifier.Watchdog();
            }
            else
            {
                LogEngineStuck(logger, host.Current?.Engine.LastHeartbeat ?? DateTimeOffset.MinValue);
            }
        }
    }

    /// <summary>The engine loop turns at least every quarter second when idle; a heartbeat older than the ping period means it is stuck.</summary>
    internal bool EngineAlive(TimeSpan period)
    {
        if (host.Current is not { } current)
        {
            // Between a failed swap and the next load there is no engine; the process itself is alive.
            return true;
        }
        return _time.GetUtcNow() - current.Engine.LastHeartbeat < period + TimeSpan.FromSeconds(1);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The engine loop has not turned since {Heartbeat:o}; withholding the watchdog ping")]
    private static partial void LogEngineStuck(ILogger logger, DateTimeOffset heartbeat);
}
