namespace EdgeLLM.Serving.Configuration;

/// <summary><c>EdgeLLM:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public int IntervalSeconds { get; set; } = 30;
}
