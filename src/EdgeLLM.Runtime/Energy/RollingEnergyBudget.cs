using System.Globalization;
using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// The device's rolling energy budget: joules spent over a sliding window (an hour by default), kept in
/// buckets (60 one-minute buckets by default) fed from the meter's counter. While the window holds the limit
/// or more, new requests are refused with <c>over_budget</c>, saying when enough old energy leaves the window;
/// high-priority requests pass when the profile exempts them. Checks allocate nothing unless they refuse.
/// </summary>
public sealed class RollingEnergyBudget : IAdmissionPolicy
{
    private readonly IEnergyMeter _meter;
    private readonly TimeProvider _time;
    private readonly double[] _buckets;
    private readonly long _bucketTicks;
    private readonly Lock _gate = new();
    private long _lastTicks;
    private double _lastJoules;

    /// <summary>Creates the budget; <paramref name="window"/> is split into <paramref name="buckets"/> equal buckets.</summary>
    public RollingEnergyBudget(IEnergyMeter meter, double limitJ, bool exemptHighPriority = true, TimeProvider? time = null, TimeSpan? window = null, int buckets = 60)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitJ);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        _meter = meter;
        _time = time ?? TimeProvider.System;
        LimitJ = limitJ;
        ExemptHighPriority = exemptHighPriority;
        Window = window ?? TimeSpan.FromHours(1);
        // One bucket more than the window holds: the oldest minute leaves only once it is wholly older than the
        // window, so the budget frees late rather than early.
        _buckets = new double[buckets + 1];
        _bucketTicks = Math.Max(1, Window.Ticks / buckets);
        _lastTicks = _time.GetUtcNow().UtcTicks;
        _lastJoules = meter.ReadJoules();
    }

    /// <summary>The budget for <paramref name="profile"/>, or null when its <c>rolling_budget_j_per_hour</c> is 0 (off).</summary>
    public static RollingEnergyBudget? FromProfile(DeviceProfile profile, IEnergyMeter meter, TimeProvider? time = null) =>
        profile.Energy.RollingBudgetJPerHour > 0
            ? new RollingEnergyBudget(meter, profile.Energy.RollingBudgetJPerHour, profile.Energy.ExemptHighPriority, time)
            : null;

    /// <summary>Joules allowed per window.</summary>
    public double LimitJ { get; }

    /// <summary>The sliding window's length.</summary>
    public TimeSpan Window { get; }

    /// <summary>Whether high-priority requests pass a spent budget.</summary>
    public bool ExemptHighPriority { get; }

    /// <summary>Joules spent within the window, up to now.</summary>
    public double UsedJ
    {
        get
        {
            lock (_gate)
            {
                return Advance();
            }
        }
    }

    /// <summary>Joules left in the window (0 when spent); for telemetry.</summary>
    public double RemainingJ => Math.Max(0, LimitJ - UsedJ);

    /// <inheritdoc/>
    public GenerationException? Refuse(GenerationRequest request)
    {
        double used;
        DateTimeOffset frees;
        lock (_gate)
        {
            used = Advance();
            if (used < LimitJ || (ExemptHighPriority && request.Priority >= RequestPriority.High))
            {
                return null;
            }
            frees = FreesAt(used);
        }
        var wait = frees - _time.GetUtcNow();
        return new GenerationException(GenerationErrorCode.OverBudget, string.Create(CultureInfo.InvariantCulture,
            $"the device's rolling energy budget is spent: {used:F0} J used of {LimitJ:F0} J in the last {Window.TotalMinutes:F0} min; " +
            $"budget frees up in about {Math.Max(1, Math.Ceiling(wait.TotalMinutes)):F0} min (at {frees:yyyy-MM-ddTHH:mm:ssZ})"));
    }

    /// <summary>Moves the window to now and adds the meter's joules since the last call; returns the window's sum.</summary>
    private double Advance()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var joules = _meter.ReadJoules();
        var delta = Math.Max(0, joules - _lastJoules);
        var n = _buckets.Length;
        var lastBucket = _lastTicks / _bucketTicks;
        var nowBucket = now / _bucketTicks;
        // Buckets that left the window since the last call start again from zero.
        for (var b = Math.Max(lastBucket + 1, nowBucket - n + 1); b <= nowBucket; b++)
        {
            _buckets[b % n] = 0;
        }
        // Energy read now was spent since the last call: spread it over the buckets that span, so a quiet hour
        // followed by one check does not land an hour's energy in the newest minute.
        var span = now - _lastTicks;
        if (span <= 0)
        {
            _buckets[nowBucket % n] += delta;
        }
        else
        {
            for (var b = Math.Max(lastBucket, nowBucket - n + 1); b <= nowBucket; b++)
            {
                var from = Math.Max(_lastTicks, b * _bucketTicks);
                var to = Math.Min(now, (b + 1) * _bucketTicks);
                if (to > from)
                {
                    _buckets[b % n] += delta * (to - from) / span;
                }
            }
        }
        _lastTicks = Math.Max(_lastTicks, now);
        _lastJoules = Math.Max(_lastJoules, joules);
        var sum = 0.0;
        foreach (var j in _buckets)
        {
            sum += j;
        }
        return sum;
    }

    /// <summary>When the oldest buckets have left the window far enough for the sum to drop below the limit.</summary>
    private DateTimeOffset FreesAt(double used)
    {
        var n = _buckets.Length;
        var nowBucket = _lastTicks / _bucketTicks;
        var remaining = used;
        for (var b = nowBucket - n + 1; b <= nowBucket; b++)
        {
            remaining -= _buckets[b % n];
            if (remaining < LimitJ)
            {
                return new DateTimeOffset((b + n) * _bucketTicks, TimeSpan.Zero);
            }
        }
        return new DateTimeOffset((nowBucket + n) * _bucketTicks, TimeSpan.Zero);
    }
}
