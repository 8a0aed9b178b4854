using System.Runtime.CompilerServices;
using System.Text;

namespace EdgeLLM.Runtime.Generation;

/// <summary>
/// Finds stop strings in generated text even when they span several tokens, and holds back text that
/// could still turn out to be the start of one, so a stop string is never emitted, not even in part.
/// One instance per batch slot; <see cref="Reset"/> readies it for the next request.
/// </summary>
public sealed class StopStringMatcher
{
    private string[] _stops = [];
    private int _longest;
    private char[] _pending = new char[64];
    private int _length;

    /// <summary>The stop string that ended the text, once <see cref="Append"/> returned true.</summary>
    public string? Matched { get; private set; }

    public bool HasStops => _stops.Length > 0;

    /// <summary>Readies the matcher for a request with these stop strings (empty ones are ignored).</summary>
    public void Reset(IReadOnlyList<string> stops)
    {
        var list = new List<string>(stops.Count);
        foreach (var s in stops)
        {
            if (!string.IsNullOrEmpty(s) && !list.Contains(s))
            {
                list.Add(s);
            }
        }
        _stops = list.ToArray();
        _longest = 0;
        foreach (var s in _stops)
        {
            _longest = Math.Max(_longest, s.Length);
        }
        _length = 0;
        Matched = null;
    }

    /// <summary>
    /// Takes newly decoded text. Appends to <paramref name="emit"/> what can be shown now and returns true
    /// when a stop string was found: then everything before it has been emitted and nothing after it.
    /// </summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Append(ReadOnlySpan<char> delta, StringBuilder emit)
    {
        if (_stops.Length == 0)
        {
            emit.Append(delta);
            return false;
        }
        if (_length + delta.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _length + delta.Length));
        }
        delta.CopyTo(_pending.AsSpan(_length));
        _length += delta.Length;
        var text = _pending.AsSpan(0, _length);
        // Earlier text was already searched: only a window reaching into the new text can hold a new match.
        var from = Math.Max(0, _length - delta.Length - _longest + 1);
        var found = -1;
        foreach (var stop in _stops)
        {
            var at = text[from..].IndexOf(stop.AsSpan(), StringComparison.Ordinal);
            if (at >= 0 && (found < 0 || from + at < found))
            {
                found = from + at;
                Matched = stop;
            }
        }
        if (found >= 0)
        {
            emit.Append(text[..found]);
            _length = 0;
            return true;
        }
        var release = _length - HeldBack(text);
        emit.Append(text[..release]);
        text[release..].CopyTo(_pending);
        _length -= release;
        return false;
    }

    /// <summary>At the end of generation, releases whatever was held back.</summary>
    public void Flush(StringBuilder emit)
    {
        emit.Append(_pending.AsSpan(0, _length));
        _length = 0;
    }

    /// <summary>Length of the longest suffix of the text that is a proper prefix of a stop string.</summary>
    private int HeldBack(ReadOnlySpan<char> text)
    {
        var best = 0;
        foreach (var stop in _stops)
        {
            for (var len = Math.Min(stop.Length - 1, text.Length); len > best; len--)
            {
                if (text.EndsWith(stop.AsSpan(0, len), StringComparison.Ordinal))
                {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
