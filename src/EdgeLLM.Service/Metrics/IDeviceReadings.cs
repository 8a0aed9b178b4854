namespace EdgeLLM.Service.Metrics;

/// <summary>The device's live readings for <c>/metrics</c> and telemetry: energy, power, temperature, budget.</summary>
public interface IDeviceReadings
{
    /// <summary>Joules since the service started.</summary>
    double EnergyJoulesTotal { get; }

    /// <summary>Watts now, or null when the meter cannot tell.</summary>
    double? PowerWatts { get; }

    /// <summary>The hottest watched thermal zone in °C, or null when there is none.</summary>
    double? TemperatureCelsius { get; }

    /// <summary>Joules left in the rolling energy budget, or null without one.</summary>
    double? EnergyBudgetRemainingJoules { get; }

    /// <summary>Where the energy figures come from (<c>rapl</c>, <c>estimate</c>, …).</summary>
    string EnergySource { get; }

    /// <summary>Thermal state: <c>normal</c>, <c>throttled</c> or <c>paused</c>.</summary>
    string ThermalState { get; }
}
