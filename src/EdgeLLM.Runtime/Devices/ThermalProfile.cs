namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// The thermal part of a device profile. Above <see cref="ThrottleC"/> the batch shrinks to
/// <see cref="ThrottleBatch"/>; at <see cref="PauseC"/> admission pauses; the device returns to normal only
/// below <see cref="ResumeC"/>, so a temperature hovering at a limit does not flap.
/// </summary>
public sealed record ThermalProfile
{
    /// <summary>A thermal zone <c>type</c> (e.g. <c>cpu-thermal</c>, <c>tj-thermal</c>, <c>x86_pkg_temp</c>), or <c>auto</c> for the hottest CPU/SoC zone.</summary>
    public string Zone { get; set; } = "auto";

    /// <summary>Degrees Celsius from which the batch is limited.</summary>
    public double ThrottleC { get; set; } = 80;

    /// <summary>Degrees Celsius from which no new request starts.</summary>
    public double PauseC { get; set; } = 90;

    /// <summary>Degrees Celsius below which the device is back to normal.</summary>
    public double ResumeC { get; set; } = 75;

    /// <summary>Sequences decoded together while throttled.</summary>
    public int ThrottleBatch { get; set; } = 1;
}
