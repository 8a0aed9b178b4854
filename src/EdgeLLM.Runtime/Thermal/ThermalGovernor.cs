using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Thermal;

/// <summary>
/// The loop that keeps the serving engine within the thermal limits: every <see cref="Interval"/> it updates the
/// <see cref="ThermalMonitor"/>, applies the state to the engine serving at that moment (so an engine swapped in by
/// OTA gets the limits too), and logs each transition. When the loop stops, the engine is returned to normal:
/// nobody watches the temperature any more, and admission must not stay paused for ever.
/// </summary>
public sealed partial class ThermalGovernor
{
    private readonly ThermalMonitor _monitor;
    private readonly Func<IInferenceExecutor?> _engine;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the governor; the interval defaults to 2 seconds (thermal zones move over seconds, not milliseconds).</summary>
    /// <param name="monitor">The zones and limits.</param>
    /// <param name="engine">The engine serving now, or null while none serves.</param>
    /// <param name="interval">Time between two readings.</param>
    /// <param name="logger">Transitions, and a line when there is no zone to watch.</param>
    /// <param name="time">The clock the readings are paced by.</param>
    public ThermalGovernor(ThermalMonitor monitor, Func<IInferenceExecutor?> engine, TimeSpan? interval = null, ILogger<ThermalGovernor>? logger = null, TimeProvider? time = null)
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

    /// <summary>One reading: updates the state, applies it to the engine serving now, logs a transition; returns the state.</summary>
    public ThermalState Tick()
    {
        var before = _monitor.State;
        var after = _monitor.Update();
        if (_engine() is { } engine)
        {
            _monitor.Apply(engine, after);
        }
        if (after != before)
        {
            LogTransition(_logger, before, after, _monitor.LastCelsius ?? double.NaN);
        }
        return after;
    }

    /// <summary>Ticks at once and then every <see cref="Interval"/> until cancelled; the engine is returned to normal when the loop ends.</summary>
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
                await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            if (_engine() is { } engine)
            {
                _monitor.Apply(engine, ThermalState.Normal);
            }
        }
    }

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Thermal state {From} -> {To} at {Celsius:F1} C")]
    private static partial void LogTransition(ILogger logger, ThermalState from, ThermalState to, double celsius);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "No thermal zone to watch; thermal throttling is off")]
    private static partial void LogNoZones(ILogger logger);
}
