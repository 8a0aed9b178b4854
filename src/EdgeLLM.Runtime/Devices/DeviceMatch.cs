namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// When a profile applies: any one of <see cref="Rules"/> matching selects it; among several matching profiles
/// the highest <see cref="Priority"/> wins. A profile without rules is only chosen by name or as the fallback.
/// </summary>
public sealed record DeviceMatch
{
    /// <summary>Higher wins when several profiles match (a specific board over a CPU-flag rule).</summary>
    public int Priority { get; set; }

    /// <summary>Alternatives; each rule matches when all of its non-empty conditions hold.</summary>
    public IReadOnlyList<DeviceMatchRule> Rules { get; set; } = [];
}
