using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.KvCache;

/// <summary>
/// The KV cache of <c>past_present_share_buffer</c> models: per layer one key and one value buffer of
/// [slots, kv_heads, max_length, head_size], bound as both past and present so GroupQueryAttention appends in
/// place. A batch of n sequences occupies slots 0..n-1, so the tensor for a batch is the first n slots of each
/// buffer: those views are created once per n and reused, and a decode step allocates nothing.
/// The buffers are <see cref="PagedBuffer"/>s: the address space for every slot is reserved up front (so views and
/// bindings never move), but resident memory grows only with the positions sequences write, and
/// <see cref="Discard"/> returns a finished slot's pages: KV memory follows the slots actually in use.
/// </summary>
internal sealed unsafe class SharedKvCache : IDisposable
{
    private readonly PagedBuffer[] _keyBuffers;
    private readonly PagedBuffer[] _valueBuffers;
    private readonly byte*[] _keys;
    private readonly byte*[] _values;
    private readonly OrtValue?[] _batchKeys;
    private readonly OrtValue?[] _batchValues;
    private readonly OrtValue?[] _slotKeys;
    private readonly OrtValue?[] _slotValues;
    private readonly long _slotBytes;
    private readonly long _headBytes;
    private readonly long _rowBytes;

    public SharedKvCache(KvCacheLayout layout, int slots, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        Layout = layout;
        Slots = slots;
        MaxLength = maxLength;
        _rowBytes = (long)layout.HeadSize * layout.ElementSize;
        _headBytes = _rowBytes * maxLength;
        _slotBytes = _headBytes * layout.KvHeads;
        _keyBuffers = new PagedBuffer[layout.Layers];
        _valueBuffers = new PagedBuffer[layout.Layers];
        _keys = new byte*[layout.Layers];
        _values = new byte*[layout.Layers];
        try
        {
            for (var l = 0; l < layout.Layers; l++)
            {
                _keyBuffers[l] = new PagedBuffer(_slotBytes * slots);
                _keys[l] = _keyBuffers[l].Pointer;
                _valueBuffers[l] = new PagedBuffer(_slotBytes * slots);
                _values[l] = _valueBuffers[l].Pointer;
            }
        }
        catch
        {
            FreeBuffers();
            throw;
        }
        _batchKeys = new OrtValue?[layout.Layers * slots];
        _batchValues = new OrtValue?[layout.Layers * slots];
        _slotKeys = new OrtValue?[layout.Layers * slots];
        _slotValues = new OrtValue?[layout.Layers * slots];
    }

    public KvCacheLayout Layout { get; }

    public int Slots { get; }

    public int MaxLength { get; }

    /// <summary>Bytes reserved for keys and values of every slot (resident only where sequences have written).</summary>
    public long Bytes => 2 * _slotBytes * Slots * Layout.Layers;

    /// <summary>Bytes of keys and values in resident pages (measured; not for the hot path).</summary>
    public long ResidentBytes()
    {
        var total = 0L;
        for (var l = 0; l < Layout.Layers; l++)
        {
            total += _keyBuffers[l].ResidentBytes() + _valueBuffers[l].ResidentBytes();
        }
        return total;
    }

    /// <summary>Returns a slot's memory to the system (it reads as zeros after); for a slot whose sequence ended.</summary>
    public void Discard(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, Slots);
        for (var l = 0; l < Layout.Layers; l++)
        {
            _keyBuffers[l].Discard(slot * _slotBytes, _slotBytes);
            _valueBuffers[l].Discard(slot * _slotBytes, _slotBytes);
        }
    }

    /// <summary>Keys of <paramref name="layer"/> for a batch of the first <paramref name="count"/> slots.</summary>
    public OrtValue BatchKey(int layer, int count) => View(_batchKeys, _keys, layer, count - 1, 0, count);

    public OrtValue BatchValue(int layer, int count) => View(_batchValues, _values, layer, count - 1, 0, count);

    /// <summary>Keys of one slot as a batch of one, for prefilling that slot alone.</summary>
    public OrtValue SlotKey(int layer, int slot) => View(_slotKeys, _keys, layer, slot, slot, 1);

    public OrtValue SlotValue(int layer, int slot) => View(_slotValues, _values, layer, slot, slot, 1);

    private OrtValue View(OrtValue?[] cache, byte*[] buffers, int layer, int index, int firstSlot, int count)
    {
        ref var value = ref cache[layer * Slots + index];
        return value ??= NativeTensor.Over((IntPtr)(buffers[layer] + firstSlot * _slotBytes), Layout.ElementType,
            [count, Layout.KvHeads, MaxLength, Layout.HeadSize]);
    }

    /// <summary>A new view of <paramref name="count"/> slots from <paramref name="firstSlot"/> (keys or values of one
    /// layer), for a grouped prefill; the caller disposes it (prefills are rare next to decode steps, so it is not cached).</summary>
    public OrtValue RangeView(int layer, int firstSlot, int count, bool keys) =>
        NativeTensor.Over((IntPtr)((keys ? _keys : _values)[layer] + firstSlot * _slotBytes), Layout.ElementType,
            [count, Layout.KvHeads, MaxLength, Layout.HeadSize]);

    /// <summary>Moves the first <paramref name="length"/> positions of a slot to another (batch compaction).</summary>
    public void MoveSlot(int from, int to, int length)
    {
        var bytes = _rowBytes * length;
        for (var l = 0; l < Layout.Layers; l++)
        {
            for (var h = 0; h < Layout.KvHeads; h++)
            {
                var offsetFrom = from * _slotBytes + h * _headBytes;
                var offsetTo = to * _slotBytes + h * _headBytes;
                Buffer.MemoryCopy(_keys[l] + offsetFrom, _keys[l] + offsetTo, bytes, bytes);
                Buffer.MemoryCopy(_values[l] + offsetFrom, _values[l] + offsetTo, bytes, bytes);
            }
        }
    }

    /// <summary>Bytes <see cref="CopyOut"/> writes for a prefix of <paramref name="length"/> positions.</summary>
    public long PrefixBytes(int length) => 2L * Layout.Layers * Layout.KvHeads * _rowBytes * length;

    /// <summary>Copies the first <paramref name="length"/> positions of a slot into a compact block.</summary>
    public void CopyOut(int slot, int length, byte* destination) => Transfer(slot, length, destination, toCache: false);

    /// <summary>Writes the first <paramref name="length"/> positions of a block that <see cref="CopyOut"/> made for
    /// <paramref name="blockLength"/> positions into the first positions of a slot.</summary>
    public void CopyIn(byte* source, int blockLength, int slot, int length) => Transfer(slot, length, source, toCache: true, blockLength);

    private void Transfer(int slot, int length, byte* block, bool toCache, int? blockLength = null)
    {
        var bytes = _rowBytes * length;
        var stride = _rowBytes * (blockLength ?? length);
        var p = block;
        for (var l = 0; l < Layout.Layers; l++)
        {
            foreach (var buffer in new[] { (IntPtr)_keys[l], (IntPtr)_values[l] })
            {
                for (var h = 0; h < Layout.KvHeads; h++)
                {
                    var cache = (byte*)buffer + slot * _slotBytes + h * _headBytes;
                    if (toCache)
                    {
                        Buffer.MemoryCopy(p, cache, bytes, bytes);
                    }
                    else
                    {
                        Buffer.MemoryCopy(cache, p, bytes, bytes);
                    }
                    p += stride;
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var set in new[] { _batchKeys, _batchValues, _slotKeys, _slotValues })
        {
            foreach (var v in set)
            {
                v?.Dispose();
            }
        }
        FreeBuffers();
    }

    private void FreeBuffers()
    {
        for (var l = 0; l < Layout.Layers; l++)
        {
            _keyBuffers[l]?.Dispose();
            _valueBuffers[l]?.Dispose();
            _keys[l] = _values[l] = null;
        }
    }
}
