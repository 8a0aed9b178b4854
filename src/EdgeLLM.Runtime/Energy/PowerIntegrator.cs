namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Turns power samples into joules. Each sample's watts are charged from its time until the next sample (a
/// left Riemann sum), and reads between samples extrapolate the latest watts: the value a read returns is
/// exactly what the next sample commits, so the total never goes backwards.
/// </summary>
internal sealed class PowerIntegrator
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _committedJ;
    private double _watts;
    private long _sampledAt;
    private bool _hasSample;

    public PowerIntegrator(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The latest sample, or null before the first.</summary>
    public double? Watts
    {
        get
        {
            lock (_gate)
            {
                return _hasSample ? _watts : null;
            }
        }
    }

    /// <summary>Records the power drawn from now on.</summary>
    public void Sample(double watts)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_hasSample)
            {
                _committedJ += _watts * _time.GetElapsedTime(_sampledAt, now).TotalSeconds;
            }
            _watts = watts;
            _sampledAt = now;
            _hasSample = true;
        }
    }

    /// <summary>Joules since the first sample, up to now.</summary>
    public double Joules()
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            return _hasSample ? _committedJ + _watts * _time.GetElapsedTime(_sampledAt, now).TotalSeconds : 0;
        }
    }
}
