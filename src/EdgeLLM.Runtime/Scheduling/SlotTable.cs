namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// The loop's rows: decoding slots hold rows 0..<see cref="Decoding"/>-1 (a backend's batched step runs over exactly
/// those), slots still prefilling the rows after them up to <see cref="Active"/>, in arrival order. Freeing a slot
/// keeps that shape, moving rows in the backend as it moves them here.
/// </summary>
internal sealed class SlotTable(int capacity)
{
    private readonly Slot[] _rows = new Slot[capacity];
    private int _active;

    public int Capacity => _rows.Length;

    /// <summary>Slots in rows (read from any thread for stats).</summary>
    public int Active => Volatile.Read(ref _active);

    public int Decoding { get; private set; }

    public Slot this[int row] => _rows[row];

    /// <summary>The decoding slots, rows 0..n-1.</summary>
    public ReadOnlySpan<Slot> DecodingSlots => _rows.AsSpan(0, Decoding);

    /// <summary>The slots still prefilling, in row order.</summary>
    public ReadOnlySpan<Slot> PrefillingSlots => _rows.AsSpan(Decoding, _active - Decoding);

    /// <summary>Puts a new slot in the next free row (its <see cref="Slot.Row"/>).</summary>
    public void Add(Slot slot)
    {
        if (slot.Row != _active)
        {
            throw new ArgumentException($"a new slot takes row {_active}, not {slot.Row}", nameof(slot));
        }
        _rows[_active] = slot;
        Volatile.Write(ref _active, _active + 1);
    }

    /// <summary>The first prefilling slot's prompt is complete: it decodes from the next step.</summary>
    public void StartDecoding(Slot slot)
    {
        if (slot.Row != Decoding)
        {
            throw new InvalidOperationException($"prompts complete in row order: row {slot.Row} completed before row {Decoding}");
        }
        slot.State = SlotState.Decoding;
        Decoding++;
    }

    /// <summary>
    /// Frees finished slots through <paramref name="release"/>. A decoding hole takes the last decoding row; the rows
    /// still prefilling move down behind it, so both stay contiguous and in order.
    /// </summary>
    public void Compact(IExecutionBackend backend, Action<Slot> release)
    {
        var i = 0;
        while (i < _active)
        {
            var s = _rows[i];
            if (!s.Finished)
            {
                i++;
                continue;
            }
            backend.Release(s);
            release(s);
            _rows[i] = null!;
            var from = i + 1;
            if (i < Decoding)
            {
                var last = Decoding - 1;
                if (i != last)
                {
                    Move(backend, last, i);
                }
                Decoding--;
                from = last + 1;
            }
            for (var p = from; p < _active; p++)
            {
                Move(backend, p, p - 1);
            }
            _rows[_active - 1] = null!;
            Volatile.Write(ref _active, _active - 1);
        }
    }

    private void Move(IExecutionBackend backend, int from, int to)
    {
        backend.Move(from, to);
        _rows[to] = _rows[from];
        _rows[to].Row = to;
        _rows[from] = null!;
    }

    /// <summary>KV bytes the slots' histories take (stats; read from any thread, so a slot may be mid-change).</summary>
    public long KvBytesInUse(KvCache.KvCacheLayout layout)
    {
        var bytes = 0L;
        var active = Math.Min(Active, _rows.Length);
        for (var i = 0; i < active; i++)
        {
            bytes += layout.BytesPerSequence(_rows[i]?.HistoryLength ?? 0);
        }
        return bytes;
    }
}
