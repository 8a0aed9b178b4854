using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Thermal;

/// <summary>
/// The loop that keeps the engine within the thermal limits: every <see cref="Interval"/> it updates the
/// <see cref="ThermalMonitor"/>, applies the state to the engine, and logs each transition. Run it as a
/// background service: <c>await governor.RunAsync(stoppingToken)</c>.
/// </summary>
public sealed partial class ThermalGovernor
{
    private readonly ThermalMonitor _monitor;
    private readonly IInferenceExecutor _engine;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the governor; the interval defaults to 2 seconds (thermal zones move over seconds, not milliseconds).</summary>
    public ThermalGovernor(ThermalMonitor monitor, IInferenceExecutor engine, TimeSpan? interval = null, ILogger<ThermalGovernor>? logger = null, TimeProvider? time = null)
    {
        _monitor = monitor;
        _engine = engine;
        Interval = interval ?? TimeSpan.FromSeconds(2);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Time between two readings.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The monitor's current state.</summary>
    public ThermalState State => _monitor.State;

    /// <summary>One reading: updates the state, applies it, logs a transition; returns the state.</summary>
    public ThermalState Tick()
    {
        var before = _monitor.State;
        var after = _monitor.Update();
        if (after != before)
        {
            _monitor.Apply(_engine, after);
            LogTransition(_logger, before, after, _monitor.LastCelsius ?? double.NaN);
        }
        return after;
    }

    /// <summary>Ticks until cancelled; the engine is returned to normal when the loop ends.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_monitor.WatchedZones.Count == 0)
        {
            LogNoZones(_logger);
            return;
        }
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Tick();
                await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Nobody watches the temperature any more; do not leave admission paused for ever.
            _monitor.Apply(_engine, ThermalState.Normal);
        }
    }

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Thermal state {From} -> {To} at {Celsius:F1} C")]
    private static partial void LogTransition(ILogger logger, ThermalState from, ThermalState to, double celsius);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "No thermal zone to watch; thermal throttling is off")]
    private static partial void LogNoZones(ILogger logger);
}
