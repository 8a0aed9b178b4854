namespace EdgeLLM.Runtime.Energy;

/// <summary>How both executors charge a step's energy to the requests in it.</summary>
public static class EnergyMeterExtensions
{
    /// <summary>The meter's joules so far, or 0 without a meter.</summary>
    public static double ReadJoulesOrZero(this IEnergyMeter? meter) => meter?.ReadJoules() ?? 0;

    /// <summary>
    /// Joules the device used while a step ran, from readings on both sides of it: idle time between steps is
    /// nobody's request and is not charged (it still counts in the device's totals and the rolling budget).
    /// </summary>
    /// <param name="meter">The device's meter, or null (then 0).</param>
    /// <param name="before">The meter's joules when the step began.</param>
    /// <param name="busy">How long the step ran (estimated meters turn it into joules).</param>
    public static double ChargeStep(this IEnergyMeter? meter, double before, TimeSpan busy)
    {
        if (meter is null)
        {
            return 0;
        }
        meter.RecordBusy(busy);
        return Math.Max(0, meter.ReadJoules() - before);
    }
}
