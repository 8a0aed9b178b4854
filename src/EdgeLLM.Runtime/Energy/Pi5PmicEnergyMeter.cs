namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Energy of a Raspberry Pi 5 from its PMIC's rail voltages and currents (Σ V·I), sampled by a background timer
/// and integrated over time; the engine's per-step reads only extrapolate the latest sample, never run the
/// command. The PMIC rails exclude USB peripherals and conversion loss, so this reads lower than a wall meter.
/// </summary>
public sealed class Pi5PmicEnergyMeter : IEnergyMeter, IDisposable
{
    private readonly IPmicAdcSource _source;
    private readonly PowerIntegrator _integrator;
    private readonly ITimer? _timer;
    private readonly CancellationTokenSource _stop = new();
    private int _sampling;

    /// <summary>
    /// Creates the meter; with a finite <paramref name="samplePeriod"/> a timer samples the source that often,
    /// with <see cref="Timeout.InfiniteTimeSpan"/> only <see cref="SampleAsync"/> does.
    /// </summary>
    public Pi5PmicEnergyMeter(IPmicAdcSource source, TimeProvider? time = null, TimeSpan? samplePeriod = null)
    {
        _source = source;
        var clock = time ?? TimeProvider.System;
        _integrator = new PowerIntegrator(clock);
        var period = samplePeriod ?? TimeSpan.FromSeconds(1);
        if (period != Timeout.InfiniteTimeSpan)
        {
            _timer = clock.CreateTimer(_ => _ = SampleSafelyAsync(), null, TimeSpan.Zero, period);
        }
    }

    /// <summary>What the meter samples.</summary>
    public string Description => _source.Description;

    /// <summary>The last sample's error, or null when the last sample worked.</summary>
    public string? LastError { get; private set; }

    /// <inheritdoc/>
    public string Source => "pi5-pmic";

    /// <inheritdoc/>
    public bool IsEstimate => false;

    /// <summary>Reads the source once and records its power from now on; throws when the output has no rails.</summary>
    public async Task<double> SampleAsync(CancellationToken cancellationToken = default)
    {
        var reading = PmicAdcReading.Parse(await _source.ReadAsync(cancellationToken).ConfigureAwait(false));
        if (reading.PoweredRails == 0)
        {
            throw new InvalidDataException($"{_source.Description} printed no rail with both a voltage and a current");
        }
        var watts = reading.Watts;
        _integrator.Sample(watts);
        return watts;
    }

    /// <inheritdoc/>
    public double ReadJoules() => _integrator.Joules();

    /// <inheritdoc/>
    public double? ReadWatts() => _integrator.Watts;

    /// <inheritdoc/>
    public void RecordBusy(TimeSpan busy)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _timer?.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task SampleSafelyAsync()
    {
        // A slow command must not pile up samples behind it.
        if (Interlocked.Exchange(ref _sampling, 1) == 1)
        {
            return;
        }
        try
        {
            await SampleAsync(_stop.Token).ConfigureAwait(false);
            LastError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The last good power keeps being extrapolated; the factory's log and doctor show the error.
            LastError = e.Message;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _sampling, 0);
        }
    }
}
