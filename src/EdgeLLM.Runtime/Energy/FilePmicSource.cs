namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Reads saved <c>vcgencmd pmic_read_adc</c> output from a file: for tests, and for setups where a privileged
/// helper writes the output periodically because the service may not open <c>/dev/vcio</c> itself.
/// </summary>
public sealed class FilePmicSource(string path) : IPmicAdcSource
{
    /// <inheritdoc/>
    public string Description => path;

    /// <inheritdoc/>
    public Task<string> ReadAsync(CancellationToken cancellationToken) => File.ReadAllTextAsync(path, cancellationToken);
}
