using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Systemd;

/// <summary>
/// Tells systemd how the service is doing, through the package's notifier: <c>STATUS=</c> lines on the way,
/// <c>READY=1</c> once a model serves (see <see cref="ServingReadyNotifier"/>), and <c>WATCHDOG=1</c> at half
/// <c>WATCHDOG_USEC</c> but only while the engine loop keeps moving — a stuck engine stops the pings and systemd
/// restarts the service. <c>STOPPING=1</c> comes from <see cref="SystemdLifetime"/>.
/// </summary>
public sealed partial class SystemdHealthService(
    ServingReadyNotifier notifier, SystemdEnvironment environment, ModelHost host, IHostApplicationLifetime lifetime,
    ILogger<SystemdHealthService> logger, TimeProvider? time = null) : BackgroundService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled)
        {
            return;
        }
        lifetime.ApplicationStopping.Register(() => notifier.Notify(new ServiceState("STATUS=stopping: finishing in-flight requests")));
        notifier.Notify(new ServiceState("STATUS=loading the model"));
        LoadedModel serving;
        try
        {
            serving = await host.WhenServingAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        notifier.Serving(Describe(serving));
        Action<LoadedModel> onModelChanged = loaded => notifier.Notify(new ServiceState($"STATUS={Describe(loaded)}"));
        host.ModelChanged += onModelChanged;
        try
        {
            if (environment.WatchdogInterval is { } interval)
            {
                await PingWatchdogAsync(interval, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                // No watchdog: only the status line follows the model until the host stops.
                await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            host.ModelChanged -= onModelChanged;
        }
    }

    /// <summary>Pings systemd's watchdog at half its interval while the engine loop turns.</summary>
    private async Task PingWatchdogAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        var period = interval / 2;
        var ping = new ServiceState("WATCHDOG=1");
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (EngineAlive(period))
                {
                    notifier.Notify(ping);
                }
                else
                {
                    LogEngineStuck(logger, host.Current?.Engine.LastHeartbeat ?? DateTimeOffset.MinValue);
                }
            }
        }
        catch (OperationCanceledException)
        {
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

    private static string Describe(LoadedModel model) =>
        $"serving {model.Model.Identity.Id} {model.Model.Identity.Version} on {model.ExecutionProvider}";

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "The engine loop has not turned since {Heartbeat:o}; withholding the watchdog ping")]
    private static partial void LogEngineStuck(ILogger logger, DateTimeOffset heartbeat);
}
