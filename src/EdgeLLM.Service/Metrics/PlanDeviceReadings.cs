using EdgeLLM.Runtime.Energy;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving;

namespace EdgeLLM.Service.Metrics;

/// <summary>Live readings from the serving plan's meter and budget and the hottest thermal zone.</summary>
public sealed class PlanDeviceReadings(ServingPlan plan, EdgeLLM.Runtime.Thermal.ThermalMonitor thermal) : IDeviceReadings
{
    private readonly double _start = plan.EnergyMeter?.ReadJoules() ?? 0;

    public double EnergyJoulesTotal => (plan.EnergyMeter?.ReadJoules() ?? 0) - _start;

    public double? PowerWatts => plan.EnergyMeter?.ReadWatts();

    public double? TemperatureCelsius => thermal.LastCelsius ?? thermal.ReadCelsius();

    public double? EnergyBudgetRemainingJoules => (plan.Admission as RollingEnergyBudget)?.RemainingJ;

    public string EnergySource => plan.EnergyMeter?.Source ?? "none";

    public string ThermalState => thermal.State.ToString().ToLowerInvariant();

}
