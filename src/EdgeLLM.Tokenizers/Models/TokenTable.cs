using System.Numerics;

namespace EdgeLLM.Tokenizers.Models;

/// <summary>
/// A vocabulary's token strings without one string object per token: every token's characters in one array, in id
/// order, with each id's start in a second array, and an open-addressing index from a token's characters to its id
/// (ids in a power-of-two table at most ~60 % full, probed linearly). A 152k-token vocabulary costs about 2 bytes per
/// character plus 12 bytes per token, where a <c>Dictionary&lt;string, int&gt;</c> and a <c>string[]</c> cost
/// around 70. Read-only once built, so safe from several threads.
/// </summary>
internal sealed class TokenTable
{
    private readonly char[] _chars;
    // _starts[id].._starts[id + 1] are id's characters; an id with no token has none (an empty token cannot occur in a
    // BPE vocabulary that encodes anything, so empty means absent).
    private readonly int[] _starts;
    // id + 1 of the token in each bucket; 0 is an empty bucket.
    private readonly int[] _index;
    private readonly int _mask;

    public TokenTable(char[] chars, int[] starts)
    {
        ArgumentNullException.ThrowIfNull(chars);
        ArgumentNullException.ThrowIfNull(starts);
        if (starts.Length == 0 || starts[^1] != chars.Length)
        {
            throw new ArgumentException("starts must end at the length of chars", nameof(starts));
        }
        _chars = chars;
        _starts = starts;
        Count = starts.Length - 1;
        var buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, Count + Count * 2 / 3));
        _index = new int[buckets];
        _mask = buckets - 1;
        for (var id = 0; id < Count; id++)
        {
            var token = Token(id);
            if (token.IsEmpty)
            {
                continue;
            }
            var bucket = Bucket(token);
            while (_index[bucket] != 0)
            {
                bucket = (bucket + 1) & _mask;
            }
            _index[bucket] = id + 1;
        }
    }

    /// <summary>One more than the largest id.</summary>
    public int Count { get; }

    /// <summary>Bytes of the arrays this table holds.</summary>
    public long Bytes => 2L * _chars.Length + 4L * (_starts.Length + _index.Length);

    /// <summary>The characters of a token; empty for an id with none (or out of range).</summary>
    public ReadOnlySpan<char> Token(int id) =>
        (uint)id < (uint)Count ? _chars.AsSpan(_starts[id], _starts[id + 1] - _starts[id]) : default;

    public bool Contains(int id) => !Token(id).IsEmpty;

    public bool TryGetId(ReadOnlySpan<char> token, out int id)
    {
        if (!token.IsEmpty)
        {
            for (var bucket = Bucket(token); _index[bucket] != 0; bucket = (bucket + 1) & _mask)
            {
                var candidate = _index[bucket] - 1;
                if (token.SequenceEqual(Token(candidate)))
                {
                    id = candidate;
                    return true;
                }
            }
        }
        id = -1;
        return false;
    }

    private int Bucket(ReadOnlySpan<char> token) => string.GetHashCode(token) & _mask;
}
