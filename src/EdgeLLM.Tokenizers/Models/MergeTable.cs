using System.Numerics;

namespace EdgeLLM.Tokenizers.Models;

/// <summary>
/// BPE merges as an open-addressing table from a pair of token ids (packed into one long) to the merge's rank, with
/// the id each rank forms in a plain array: about 20 bytes per merge, where a
/// <c>Dictionary&lt;long, (int, int)&gt;</c> costs about 40 and boxes nothing but allocates per entry growth.
/// Read-only once built, so safe from several threads.
/// </summary>
internal sealed class MergeTable
{
    private readonly long[] _pairs;
    // rank + 1 of the merge in each bucket; 0 is an empty bucket.
    private readonly int[] _ranks;
    private readonly int[] _formed;
    private readonly int _shift;

    /// <param name="pairs">Each merge's pair (<see cref="Pack"/>), by rank; a pair listed twice keeps its first rank.</param>
    /// <param name="formed">The id each rank forms; -1 for a rank that names tokens the vocabulary lacks.</param>
    public MergeTable(ReadOnlySpan<long> pairs, int[] formed)
    {
        ArgumentNullException.ThrowIfNull(formed);
        if (pairs.Length != formed.Length)
        {
            throw new ArgumentException("one formed id per pair", nameof(formed));
        }
        _formed = formed;
        var buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, pairs.Length + pairs.Length * 2 / 3));
        _shift = 64 - BitOperations.Log2((uint)buckets);
        _pairs = new long[buckets];
        _ranks = new int[buckets];
        for (var rank = 0; rank < pairs.Length; rank++)
        {
            if (formed[rank] < 0)
            {
                continue;
            }
            var bucket = Bucket(pairs[rank]);
            while (_ranks[bucket] != 0 && _pairs[bucket] != pairs[rank])
            {
                bucket = (bucket + 1) & (buckets - 1);
            }
            if (_ranks[bucket] == 0)
            {
                _pairs[bucket] = pairs[rank];
                _ranks[bucket] = rank + 1;
            }
        }
    }

    /// <summary>Bytes of the arrays this table holds.</summary>
    public long Bytes => 8L * _pairs.Length + 4L * (_ranks.Length + _formed.Length);

    public static long Pack(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>The rank of merging <paramref name="left"/> with <paramref name="right"/> and the id it forms.</summary>
    public bool TryGet(int left, int right, out int rank, out int formed)
    {
        var pair = Pack(left, right);
        var mask = _pairs.Length - 1;
        for (var bucket = Bucket(pair); _ranks[bucket] != 0; bucket = (bucket + 1) & mask)
        {
            if (_pairs[bucket] == pair)
            {
                rank = _ranks[bucket] - 1;
                formed = _formed[rank];
                return true;
            }
        }
        rank = formed = -1;
        return false;
    }

    // Fibonacci hashing: the top bits of the pair times 2^64/φ spread neighbouring ids across the table.
    private int Bucket(long pair) => (int)((ulong)pair * 0x9E3779B97F4A7C15UL >> _shift);
}
