using EdgeLLM.Runtime.Energy;
using EdgeLLM.Service.Hosting;

namespace EdgeLLM.Service.Metrics;

/// <summary>Live readings from the serving plan's meter and budget and the hottest thermal zone.</summary>
public sealed class PlanDeviceReadings(ServingPlan plan, ModelHost host) : IDeviceReadings
{
    private readonly double _start = plan.EnergyMeter?.ReadJoules() ?? 0;

    public double EnergyJoulesTotal => (plan.EnergyMeter?.ReadJoules() ?? 0) - _start;

    public double? PowerWatts => plan.EnergyMeter?.ReadWatts();

    public double? TemperatureCelsius => ThermalZones.HottestCelsius();

    public double? EnergyBudgetRemainingJoules => (plan.Admission as RollingEnergyBudget)?.RemainingJ;

    public string EnergySource => plan.EnergyMeter?.Source ?? "none";

    public string ThermalState => host.Current?.Engine.AdmissionPaused == true ? "paused"
        : host.Current is { } c && c.Engine.BatchLimit < c.Engine.GetStats().BatchCapacity ? "throttled" : "normal";

}
