using System.Diagnostics;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Runs <c>vcgencmd pmic_read_adc</c>. The firmware answers through the VideoCore mailbox in a few
/// milliseconds, which is fine for a background sampler but far too slow for every decode step.
/// </summary>
public sealed class VcgencmdPmicSource(string vcgencmd = "vcgencmd") : IPmicAdcSource
{
    /// <inheritdoc/>
    public string Description => $"{vcgencmd} pmic_read_adc";

    /// <inheritdoc/>
    public async Task<string> ReadAsync(CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(vcgencmd, ["pmic_read_adc"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new IOException($"{vcgencmd} could not be started");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode == 0
            ? output
            : throw new IOException($"{Description} exited with {process.ExitCode}: {error.Trim()}");
    }
}
