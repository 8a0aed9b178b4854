using EdgeLLM.Runtime.Thermal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// Watches the device's thermal zones and applies the profile's limits to whichever engine serves now: fewer
/// sequences per step when hot, no new admissions when too hot, back to normal once cooled.
/// </summary>
public sealed partial class ThermalService(ThermalMonitor monitor, ModelHost host, ILogger<ThermalService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (monitor.WatchedZones.Count == 0)
        {
            LogNoZones(logger);
            return;
        }
        using var timer = new PeriodicTimer(Interval);
        var last = ThermalState.Normal;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var state = monitor.Update();
                if (host.Current is { } current)
                {
                    monitor.Apply(current.Engine, state);
                }
                if (state != last)
                {
                    LogTransition(logger, last, state, monitor.LastCelsius ?? double.NaN);
                    last = state;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No thermal zones to watch; thermal limits are off")]
    private static partial void LogNoZones(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Thermal state {From} -> {To} at {Celsius:F1} °C")]
    private static partial void LogTransition(ILogger logger, ThermalState from, ThermalState to, double celsius);
}
