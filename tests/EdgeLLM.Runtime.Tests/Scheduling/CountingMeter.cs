using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>A meter that reads <paramref name="perRead"/> joules more at every reading: a run's energy is exactly the
/// readings it spans.</summary>
internal sealed class CountingMeter(double perRead) : IEnergyMeter
{
    private double _joules;

    public string Source => "test";

    public bool IsEstimate => false;

    public double ReadJoules() => _joules += perRead;

    public double? ReadWatts() => null;

    public void RecordBusy(TimeSpan busy)
    {
    }
}
