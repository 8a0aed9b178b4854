namespace EdgeLLM.Runtime.Devices;

/// <summary>The energy part of a device profile: which meter, the estimate's watts, and the budgets.</summary>
public sealed record EnergyProfile
{
    /// <summary>The meters <see cref="Meter"/> may name.</summary>
    public static readonly IReadOnlyList<string> Meters = ["auto", "rapl", "ina3221", "pi5-pmic", "estimate"];

    /// <summary><c>rapl</c>, <c>ina3221</c>, <c>pi5-pmic</c>, <c>estimate</c>, or <c>auto</c> (try each, then estimate).</summary>
    public string Meter { get; set; } = "auto";

    /// <summary>Draw of the idle device; the estimate charges it for all wall time.</summary>
    public double IdleWatts { get; set; }

    /// <summary>Draw while the engine computes; the estimate charges the difference to idle for busy time.</summary>
    public double ActiveWatts { get; set; }

    /// <summary>Joules the device may spend in any hour before new requests get <c>over_budget</c>; 0 turns the budget off.</summary>
    public double RollingBudgetJPerHour { get; set; }

    /// <summary>Whether high-priority requests are admitted even when the rolling budget is spent.</summary>
    public bool ExemptHighPriority { get; set; } = true;

    /// <summary>The per-request energy cap applied when a request gives none; null means uncapped.</summary>
    public double? PerRequestDefaultJ { get; set; }
}
