namespace EdgeLLM.Service.Logging;

/// <summary>
/// Lets one log line through per kind per interval and counts the rest, so a flood of identical warnings (3,000 bad
/// payloads a minute from a misbehaving or hostile client) costs one line with a count instead of filling a small
/// flash (issue 18). Kinds are a small fixed set the caller names (an event and an error code), never client data.
/// </summary>
public sealed class LogThrottle
{
    /// <summary>More kinds than this are a caller bug; the table is cleared rather than allowed to grow.</summary>
    private const int MaxKinds = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset LastAt, int Suppressed)> _kinds = new(StringComparer.Ordinal);
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;

    /// <param name="interval">At most one line per kind within this time.</param>
    /// <param name="time">The clock.</param>
    public LogThrottle(TimeSpan interval, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _interval = interval;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Whether to write a line of <paramref name="kind"/> now; when true, <paramref name="suppressed"/> is how many
    /// lines of that kind were held back since the last one written (to be put in the line).
    /// </summary>
    public bool ShouldLog(string kind, out int suppressed)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_kinds.TryGetValue(kind, out var state) && now - state.LastAt < _interval)
            {
                _kinds[kind] = (state.LastAt, state.Suppressed + 1);
                suppressed = 0;
                return false;
            }
            if (_kinds.Count >= MaxKinds)
            {
                _kinds.Clear();
            }
            suppressed = state.Suppressed;
            _kinds[kind] = (now, 0);
            return true;
        }
    }
}
