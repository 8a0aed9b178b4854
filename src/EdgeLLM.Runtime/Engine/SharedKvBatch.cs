using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeLLM.Runtime.KvCache;
using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Engine;

/// <summary>
/// Batched decoding over a <see cref="SharedKvCache"/>. Every decode step has fixed shapes for a given batch
/// size n — input_ids [n, 1], attention_mask [n, max_length] (right-padded: row i has length_i + 1 ones),
/// KV [n, kv_heads, max_length, head_size] bound as past and present, logits [n, 1, vocab] — so the OrtValues over
/// EdgeLLM's native buffers and one <see cref="OrtIoBinding"/> for each n are made once, and a step (a
/// <c>RunWithBinding</c> with the session's reused <see cref="RunOptions"/>) allocates nothing. GroupQueryAttention reads each
/// row's length from the mask, which is how sequences of different lengths share one batched run.
/// Memory follows the slots in use (see <see cref="IDecodeBatch"/>): the KV cache, mask and logits rows reserve
/// address space for every slot so those views never move, the pages become resident as sequences write them, and
/// <see cref="Reset"/> hands an emptied slot's pages back.
/// </summary>
internal sealed unsafe partial class SharedKvBatch : IDecodeBatch
{
    private readonly DecoderSession _model;
    private readonly ModelIo _io;
    private readonly SharedKvCache _cache;
    private readonly LogitsRows _logits;
    private readonly LogitsPositions _logitsPositions = new();
    private readonly long* _ids;
    private readonly PagedBuffer _maskBuffer;
    private readonly long* _mask;
    private readonly long* _positions;
    private readonly int[] _lengths;
    private readonly OrtValue?[] _idsViews;
    private readonly OrtValue?[] _maskViews;
    private readonly OrtValue?[] _positionViews;
    private readonly OrtValue?[] _slotMasks;
    private readonly OrtIoBinding?[] _stepBindings;
    private long _decodeRunTicks;

    public SharedKvBatch(DecoderSession model, int capacity, int maxLength)
    {
        _model = model;
        _io = new ModelIo(model);
        var d = model.Decoder;
        var cache = new SharedKvCache(new KvCacheLayout(d.NumHiddenLayers, d.NumKeyValueHeads, d.HeadSize, model.KvType), capacity, maxLength);
        LogitsRows? logits = null;
        try
        {
            logits = new LogitsRows(capacity, model.Config.Model.VocabSize, model.LogitsType);
            _maskBuffer = new PagedBuffer((long)capacity * maxLength * sizeof(long));
        }
        catch
        {
            // Whoever allocates frees, also when a later allocation fails.
            logits?.Dispose();
            cache.Dispose();
            throw;
        }
        _cache = cache;
        _logits = logits;
        _mask = (long*)_maskBuffer.Pointer;
        _ids = (long*)NativeMemory.AllocZeroed((nuint)capacity, sizeof(long));
        _positions = (long*)NativeMemory.AllocZeroed((nuint)capacity, sizeof(long));
        _lengths = new int[capacity];
        _idsViews = new OrtValue?[capacity];
        _maskViews = new OrtValue?[capacity];
        _positionViews = new OrtValue?[capacity];
        _slotMasks = new OrtValue?[capacity];
        _stepBindings = new OrtIoBinding?[capacity];
    }

    public int Capacity => _cache.Slots;

    public int MaxLength => _cache.MaxLength;

    public int VocabSize => _logits.Vocab;

    public long KvBytes => _cache.Bytes;

    public bool SupportsPrefixReuse => true;

    /// <summary>Resident bytes of the KV cache, measured page by page (the tests and memory reports; a system call per
    /// buffer, so not for the decode loop).</summary>
    public long KvResidentBytes() => _cache.ResidentBytes();

    /// <summary>Resident bytes of the mask and logits rows, measured as <see cref="KvResidentBytes"/>.</summary>
    internal long ActivationResidentBytes() => _maskBuffer.ResidentBytes() + _logits.ResidentBytes();

    public long DecodeRunTicks => Volatile.Read(ref _decodeRunTicks);

    public int Length(int slot) => _lengths[slot];

    public Span<float> Logits(int slot) => _logits.Row(slot);

    private long* MaskRow(int slot) => _mask + (long)slot * MaxLength;

    public void Prefill(int slot, ReadOnlySpan<int> tokens)
    {
        var start = _lengths[slot];
        var count = tokens.Length;
        if (count == 0 || start + count > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"slot {slot} holds {start} positions; {count} more do not fit in {MaxLength}");
        }
        var ids = new long[count];
        var positions = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = tokens[i];
            positions[i] = start + i;
        }
        new Span<long>(MaskRow(slot) + start, count).Fill(1);
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, count]);
        using var positionsValue = _model.HasPositionIds ? OrtValue.CreateTensorValueFromMemory(positions, [1, count]) : null;
        using var last = _io.SelectsLogits ? LogitsPositions.Last(1, count) : null;
        using var logits = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _model.LogitsType, [1, _io.LastRows(count), VocabSize]);
        var inputs = new OrtValue[_io.Inputs.Length];
        var outputs = new OrtValue[_io.Outputs.Length];
        inputs[0] = idsValue;
        inputs[1] = SlotMask(slot);
        if (positionsValue is not null)
        {
            inputs[2] = positionsValue;
        }
        if (last is not null)
        {
            inputs[_io.LogitsIndicesInput] = last;
        }
        outputs[0] = logits;
        BindKv(inputs, outputs, l => _cache.SlotKey(l, slot), l => _cache.SlotValue(l, slot));
        _model.Session.Run(_model.RunOptions, _io.Inputs, inputs, _io.Outputs, outputs);
        _lengths[slot] = start + count;
        _logits.TakeLast(logits, slot);
    }

    /// <summary>
    /// Logits of a group's prefill are [n, rows, vocab], rows being 1 when the graph selects the last position and every
    /// prompt position when it does not (with a 152k vocabulary, 64-token prompts then group three at a time): the group
    /// is capped so that tensor stays within this many bytes.
    /// </summary>
    private const long MaxPrefillLogitsBytes = 128L << 20;

    /// <summary>
    /// Grouping never costs more transient memory than one long prompt would: a group holds at most as many tokens
    /// as one sequence may (its activations are those of a prompt that long), and its logits stay within
    /// <see cref="MaxPrefillLogitsBytes"/>.
    /// </summary>
    public int MaxPrefillGroup(int length)
    {
        length = Math.Max(1, length);
        var logitsPerPrompt = (long)_io.LastRows(length) * VocabSize * TensorElementSize.Of(_model.LogitsType);
        var byLogits = MaxPrefillLogitsBytes / logitsPerPrompt;
        var byTokens = MaxLength / length;
        return (int)Math.Clamp(Math.Min(byLogits, byTokens), 1, Capacity);
    }

    public bool TryPrefillMany(int firstSlot, IReadOnlyList<int[]> prompts)
    {
        var n = prompts.Count;
        var count = n == 0 ? 0 : prompts[0].Length;
        if (n < 2 || count == 0 || count > MaxLength || firstSlot + n > Capacity || n > MaxPrefillGroup(count))
        {
            return false;
        }
        for (var r = 0; r < n; r++)
        {
            if (prompts[r].Length != count || _lengths[firstSlot + r] != 0)
            {
                return false;
            }
        }
        var ids = new long[n * count];
        var positions = new long[n * count];
        for (var r = 0; r < n; r++)
        {
            for (var i = 0; i < count; i++)
            {
                ids[r * count + i] = prompts[r][i];
                positions[r * count + i] = i;
            }
            new Span<long>(MaskRow(firstSlot + r), count).Fill(1);
        }
        // GroupQueryAttention takes a batch of prompts only as a first prompt (total length = prompt length): so the
        // mask is [n, count] of ones here, while the slots' own mask rows (filled above) serve the decode steps after.
        var ones = new long[n * count];
        Array.Fill(ones, 1L);
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [n, count]);
        using var positionsValue = _model.HasPositionIds ? OrtValue.CreateTensorValueFromMemory(positions, [n, count]) : null;
        using var mask = OrtValue.CreateTensorValueFromMemory(ones, [n, count]);
        using var last = _io.SelectsLogits ? LogitsPositions.Last(n, count) : null;
        using var logits = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _model.LogitsType, [n, _io.LastRows(count), VocabSize]);
        var kv = new OrtValue[2 * _cache.Layout.Layers];
        try
        {
            var inputs = new OrtValue[_io.Inputs.Length];
            var outputs = new OrtValue[_io.Outputs.Length];
            inputs[0] = idsValue;
            inputs[1] = mask;
            if (positionsValue is not null)
            {
                inputs[2] = positionsValue;
            }
            if (last is not null)
            {
                inputs[_io.LogitsIndicesInput] = last;
            }
            outputs[0] = logits;
            for (var l = 0; l < _cache.Layout.Layers; l++)
            {
                kv[2 * l] = _cache.RangeView(l, firstSlot, n, keys: true);
                kv[2 * l + 1] = _cache.RangeView(l, firstSlot, n, keys: false);
            }
            BindKv(inputs, outputs, l => kv[2 * l], l => kv[2 * l + 1]);
            _model.Session.Run(_model.RunOptions, _io.Inputs, inputs, _io.Outputs, outputs);
        }
        catch
        {
            for (var r = 0; r < n; r++)
            {
                Reset(firstSlot + r);
            }
            throw;
        }
        finally
        {
            foreach (var v in kv)
            {
                v?.Dispose();
            }
        }
        for (var r = 0; r < n; r++)
        {
            _lengths[firstSlot + r] = count;
            _logits.TakeLast(logits, r, firstSlot + r);
        }
        return true;
    }

    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decode(ReadOnlySpan<int> tokens)
    {
        var n = tokens.Length;
        for (var s = 0; s < n; s++)
        {
            var position = _lengths[s];
            if (position >= MaxLength)
            {
                throw new InvalidOperationException($"slot {s} is full ({MaxLength} positions)");
            }
            _ids[s] = tokens[s];
            _positions[s] = position;
            MaskRow(s)[position] = 1;
        }
        var binding = StepBinding(n);
        var started = Stopwatch.GetTimestamp();
        _model.Session.RunWithBinding(_model.RunOptions, binding);
        Volatile.Write(ref _decodeRunTicks, _decodeRunTicks + (Stopwatch.GetTimestamp() - started));
        for (var s = 0; s < n; s++)
        {
            _lengths[s]++;
        }
        _logits.CompleteBatch(n);
    }

    /// <summary>Empties a slot and returns its KV, mask and logits pages to the system.</summary>
    public void Reset(int slot)
    {
        _maskBuffer.Discard((long)slot * MaxLength * sizeof(long), (long)MaxLength * sizeof(long));
        _cache.Discard(slot);
        _logits.Discard(slot);
        _lengths[slot] = 0;
    }

    public void Move(int from, int to)
    {
        if (from == to)
        {
            return;
        }
        var length = _lengths[from];
        _cache.MoveSlot(from, to, length);
        new Span<long>(MaskRow(from), MaxLength).CopyTo(new Span<long>(MaskRow(to), MaxLength));
        _logits.CopyRow(from, to);
        _lengths[to] = length;
        Reset(from);
    }

    public long PrefixBytes(int length) => _cache.PrefixBytes(length);

    public void ExportPrefix(int slot, int length, byte* block) => _cache.CopyOut(slot, length, block);

    public void ImportPrefix(int slot, int length, byte* block, int blockLength)
    {
        if (_lengths[slot] != 0)
        {
            throw new InvalidOperationException($"slot {slot} is not empty");
        }
        _cache.CopyIn(block, blockLength, slot, length);
        new Span<long>(MaskRow(slot), length).Fill(1);
        _lengths[slot] = length;
    }

    private OrtValue SlotMask(int slot) =>
        _slotMasks[slot] ??= NativeTensor.Over((IntPtr)MaskRow(slot), TensorElementType.Int64, [1, MaxLength]);

    // The lambdas live in CreateStep: a method whose lambdas capture a parameter allocates their closure on
    // every call, even when the branch using them is skipped, and this one runs once per token.
    private OrtIoBinding StepBinding(int n) => _stepBindings[n - 1] ?? CreateStep(n);

    /// <summary>The binding of a batch of n: every input and output bound once to views over the native buffers, so
    /// a step only writes the ids, positions and mask cells and runs (the KV views are both past and present).</summary>
    private OrtIoBinding CreateStep(int n)
    {
        var inputs = new OrtValue[_io.Inputs.Length];
        inputs[0] = _idsViews[n - 1] ??= NativeTensor.Over((IntPtr)_ids, TensorElementType.Int64, [n, 1]);
        inputs[1] = _maskViews[n - 1] ??= NativeTensor.Over((IntPtr)_mask, TensorElementType.Int64, [n, MaxLength]);
        if (_model.HasPositionIds)
        {
            inputs[2] = _positionViews[n - 1] ??= NativeTensor.Over((IntPtr)_positions, TensorElementType.Int64, [n, 1]);
        }
        if (_io.SelectsLogits)
        {
            inputs[_io.LogitsIndicesInput] = _logitsPositions.Decode(n);
        }
        var outputs = new OrtValue[_io.Outputs.Length];
        outputs[0] = _logits.BatchOutput(n);
        BindKv(inputs, outputs, l => _cache.BatchKey(l, n), l => _cache.BatchValue(l, n));
        var binding = _model.Session.CreateIoBinding();
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                binding.BindInput(_io.Inputs[i], inputs[i]);
            }
            for (var i = 0; i < outputs.Length; i++)
            {
                binding.BindOutput(_io.Outputs[i], outputs[i]);
            }
        }
        catch
        {
            binding.Dispose();
            throw;
        }
        return _stepBindings[n - 1] = binding;
    }

    /// <summary>The same KV value is both the past input and the present output: updated in place.</summary>
    private void BindKv(OrtValue[] inputs, OrtValue[] outputs, Func<int, OrtValue> key, Func<int, OrtValue> value)
    {
        for (var l = 0; l < _cache.Layout.Layers; l++)
        {
            inputs[_io.FirstPastInput + 2 * l] = outputs[1 + 2 * l] = key(l);
            inputs[_io.FirstPastInput + 2 * l + 1] = outputs[2 + 2 * l] = value(l);
        }
    }

    public void Dispose()
    {
        foreach (var b in _stepBindings)
        {
            b?.Dispose();
        }
        foreach (var set in new[] { _idsViews, _maskViews, _positionViews, _slotMasks })
        {
            foreach (var v in set)
            {
                v?.Dispose();
            }
        }
        _extend?.Dispose();
        _logitsPositions.Dispose();
        _logits.Dispose();
        _cache.Dispose();
        NativeMemory.Free(_ids);
        NativeMemory.Free(_positions);
        _maskBuffer.Dispose();
    }
}
