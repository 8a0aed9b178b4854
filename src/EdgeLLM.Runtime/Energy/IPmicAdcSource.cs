namespace EdgeLLM.Runtime.Energy;

/// <summary>Where <see cref="Pi5PmicEnergyMeter"/> gets the text of <c>vcgencmd pmic_read_adc</c>.</summary>
public interface IPmicAdcSource
{
    /// <summary>Describes the source for logs, e.g. <c>vcgencmd pmic_read_adc</c>.</summary>
    string Description { get; }

    /// <summary>The command's output, as printed.</summary>
    Task<string> ReadAsync(CancellationToken cancellationToken);
}
