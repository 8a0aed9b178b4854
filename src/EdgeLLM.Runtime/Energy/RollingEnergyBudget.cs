using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// Joules per hour over a sliding window of one-minute buckets, read from the device's meter. Once the last hour
/// used the budget, new requests are refused with <c>over_budget</c> (high priority ones pass when exempt) until
/// old minutes fall out of the window.
/// </summary>
public sealed class RollingEnergyBudget : IAdmissionPolicy
{
    private const int Buckets = 60;
    private readonly IEnergyMeter _meter;
    private readonly double _joulesPerHour;
    private readonly bool _exemptHigh;
    private readonly TimeProvider _time;
    private readonly double[] _used = new double[Buckets];
    private readonly Lock _gate = new();
    private long _minute;
    private double _lastReading;

    public RollingEnergyBudget(IEnergyMeter meter, double joulesPerHour, bool exemptHighPriority, TimeProvider? time = null)
    {
        _meter = meter;
        _joulesPerHour = joulesPerHour;
        _exemptHigh = exemptHighPriority;
        _time = time ?? TimeProvider.System;
        _minute = CurrentMinute();
        _lastReading = meter.ReadJoules();
    }

    public double LimitJ => _joulesPerHour;

    /// <summary>Joules used in the last hour.</summary>
    public double UsedJ
    {
        get
        {
            lock (_gate)
            {
                Advance();
                var sum = 0.0;
                foreach (var j in _used)
                {
                    sum += j;
                }
                return sum;
            }
        }
    }

    public double RemainingJ => Math.Max(0, _joulesPerHour - UsedJ);

    public GenerationException? Refuse(GenerationRequest request)
    {
        if (request.Priority == RequestPriority.High && _exemptHigh)
        {
            return null;
        }
        var used = UsedJ;
        return used < _joulesPerHour ? null : new GenerationException(GenerationErrorCode.OverBudget,
            $"the rolling energy budget is spent: {used:F1} J used in the last hour of {_joulesPerHour:F1} J allowed; it frees up as older minutes leave the window");
    }

    /// <summary>Moves the window to now and books what the meter counted since the last call into the current minute.</summary>
    private void Advance()
    {
        var minute = CurrentMinute();
        for (var m = _minute + 1; m <= minute && m - _minute <= Buckets; m++)
        {
            _used[m % Buckets] = 0;
        }
        _minute = minute;
        var reading = _meter.ReadJoules();
        _used[minute % Buckets] += Math.Max(0, reading - _lastReading);
        _lastReading = reading;
    }

    private long CurrentMinute() => _time.GetUtcNow().ToUnixTimeSeconds() / 60;
}
