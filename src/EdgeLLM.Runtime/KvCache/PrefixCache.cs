using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Engine;

namespace EdgeLLM.Runtime.KvCache;

/// <summary>
/// KV blocks of recent prompts, so a prompt that starts like an earlier one (a system prompt, a sensor
/// template) reuses the cached positions instead of recomputing them. In a causal decoder the KV of position p
/// depends only on tokens 0..p, so any common prefix of a stored prompt is valid for a new one. Bounded by
/// bytes; the least recently used entries go first.
/// </summary>
internal sealed unsafe class PrefixCache : IDisposable
{
    private readonly long _limitBytes;
    private readonly int _minTokens;
    private readonly List<Entry> _entries = [];
    private long _clock;

    public PrefixCache(long limitBytes, int minTokens)
    {
        _limitBytes = limitBytes;
        _minTokens = Math.Max(1, minTokens);
    }

    public long Bytes { get; private set; }

    public int Count => _entries.Count;

    public long Hits { get; private set; }

    public long Misses { get; private set; }

    public bool Enabled => _limitBytes > 0;

    /// <summary>
    /// Loads the longest usable cached prefix of <paramref name="prompt"/> into an empty slot and returns how many
    /// positions it covers (0 when none). At least one prompt token is always left to prefill, since its logits
    /// choose the first generated token.
    /// </summary>
    public int TryReuse(IDecodeBatch batch, int slot, ReadOnlySpan<int> prompt)
    {
        if (!Enabled || !batch.SupportsPrefixReuse || prompt.Length <= _minTokens)
        {
            return 0;
        }
        Entry? best = null;
        var bestLength = 0;
        foreach (var e in _entries)
        {
            var common = prompt.CommonPrefixLength(e.Tokens);
            if (common > bestLength)
            {
                best = e;
                bestLength = common;
            }
        }
        bestLength = Math.Min(bestLength, prompt.Length - 1);
        if (best is null || bestLength < _minTokens)
        {
            Misses++;
            return 0;
        }
        batch.ImportPrefix(slot, bestLength, best.Block, best.Tokens.Length);
        best.LastUsed = ++_clock;
        Hits++;
        return bestLength;
    }

    /// <summary>Keeps the KV of a prompt that was just prefilled in <paramref name="slot"/>.</summary>
    public void Store(IDecodeBatch batch, int slot, ReadOnlySpan<int> prompt)
    {
        if (!Enabled || !batch.SupportsPrefixReuse || prompt.Length <= _minTokens)
        {
            return;
        }
        foreach (var e in _entries)
        {
            if (prompt.SequenceEqual(e.Tokens))
            {
                e.LastUsed = ++_clock;
                return;
            }
        }
        var bytes = batch.PrefixBytes(prompt.Length);
        if (bytes > _limitBytes)
        {
            return;
        }
        while (Bytes + bytes > _limitBytes && _entries.Count > 0)
        {
            var oldest = _entries.MinBy(e => e.LastUsed)!;
            Remove(oldest);
        }
        var block = (byte*)NativeMemory.Alloc((nuint)bytes);
        batch.ExportPrefix(slot, prompt.Length, block);
        _entries.Add(new Entry(prompt.ToArray(), block, bytes) { LastUsed = ++_clock });
        Bytes += bytes;
    }

    private void Remove(Entry e)
    {
        _entries.Remove(e);
        Bytes -= e.Bytes;
        NativeMemory.Free(e.Block);
    }

    public void Dispose()
    {
        foreach (var e in _entries.ToList())
        {
            Remove(e);
        }
    }

    private sealed class Entry(int[] tokens, byte* block, long bytes)
    {
        public int[] Tokens { get; } = tokens;

        public byte* Block { get; } = block;

        public long Bytes { get; } = bytes;

        public long LastUsed { get; set; }
    }
}
