namespace EdgeLLM.Runtime.Thermal;

/// <summary>What the temperature allows the engine to do.</summary>
public enum ThermalState
{
    /// <summary>Full batch, admission open.</summary>
    Normal,

    /// <summary>The batch is limited to the profile's <c>throttle_batch</c>.</summary>
    Throttled,

    /// <summary>No new sequence starts; running ones finish.</summary>
    Paused,
}
