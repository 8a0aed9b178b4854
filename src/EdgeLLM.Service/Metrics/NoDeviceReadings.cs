namespace EdgeLLM.Service.Metrics;

/// <summary>Readings of a device without meters or thermal zones.</summary>
public sealed class NoDeviceReadings : IDeviceReadings
{
    public double EnergyJoulesTotal => 0;

    public double? PowerWatts => null;

    public double? TemperatureCelsius => null;

    public double? EnergyBudgetRemainingJoules => null;

    public string EnergySource => "none";

    public string ThermalState => "normal";
}
