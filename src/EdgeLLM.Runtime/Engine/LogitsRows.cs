using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Engine;

/// <summary>
/// One row of logits per slot, as float. Float16 models write into a half-precision twin that is widened
/// row by row; float models write into the rows directly. The rows are <see cref="PagedBuffer"/>s: a slot's row is
/// resident once a run has written it and goes back to the system when the slot is discarded, so a 152k-token
/// vocabulary costs its 0.6 MiB per row for the slots running, not for every slot of the batch.
/// </summary>
internal sealed unsafe class LogitsRows : IDisposable
{
    private readonly PagedBuffer _rowBuffer;
    private readonly PagedBuffer? _halfBuffer;
    private readonly float* _rows;
    private readonly Half* _halfRows;
    private readonly OrtValue?[] _batchViews;

    public LogitsRows(int slots, int vocab, TensorElementType type)
    {
        Slots = slots;
        Vocab = vocab;
        Type = type;
        _rowBuffer = new PagedBuffer(slots * (long)vocab * sizeof(float));
        _rows = (float*)_rowBuffer.Pointer;
        if (type == TensorElementType.Float16)
        {
            try
            {
                _halfBuffer = new PagedBuffer(slots * (long)vocab * sizeof(Half));
            }
            catch
            {
                _rowBuffer.Dispose();
                throw;
            }
            _halfRows = (Half*)_halfBuffer.Pointer;
        }
        _batchViews = new OrtValue?[slots];
    }

    public int Slots { get; }

    public int Vocab { get; }

    public TensorElementType Type { get; }

    public Span<float> Row(int slot) => new(_rows + (long)slot * Vocab, Vocab);

    /// <summary>The [n, 1, vocab] output a batched decode writes into (rows 0..n-1).</summary>
    public OrtValue BatchOutput(int count)
    {
        ref var view = ref _batchViews[count - 1];
        var target = _halfRows != null ? (IntPtr)_halfRows : (IntPtr)_rows;
        return view ??= NativeTensor.Over(target, Type, [count, 1, Vocab]);
    }

    /// <summary>After a batched decode: widens float16 rows 0..n-1 to float.</summary>
    public void CompleteBatch(int count)
    {
        if (_halfRows == null)
        {
            return;
        }
        for (var s = 0; s < count; s++)
        {
            Widen(new ReadOnlySpan<Half>(_halfRows + (long)s * Vocab, Vocab), Row(s));
        }
    }

    /// <summary>Copies the last position of a prefill's [1, S, vocab] logits into a slot's row.</summary>
    public void TakeLast(OrtValue prefillLogits, int slot) => TakeLast(prefillLogits, 0, slot);

    /// <summary>Copies the last position of row <paramref name="row"/> of a prefill's [n, S, vocab] logits into a slot's row.</summary>
    public void TakeLast(OrtValue prefillLogits, int row, int slot)
    {
        var positions = (int)prefillLogits.GetTensorTypeAndShape().Shape[1];
        var start = ((long)row * positions + positions - 1) * Vocab;
        // Raw bytes: the package types float16 as its own Float16 struct; System.Half has the same layout.
        var raw = prefillLogits.GetTensorMutableRawData();
        if (Type == TensorElementType.Float16)
        {
            Widen(MemoryMarshal.Cast<byte, Half>(raw).Slice((int)start, Vocab), Row(slot));
        }
        else
        {
            MemoryMarshal.Cast<byte, float>(raw).Slice((int)start, Vocab).CopyTo(Row(slot));
        }
    }

    public void CopyRow(int from, int to) => Row(from).CopyTo(Row(to));

    /// <summary>Bytes of logits rows in resident pages (measured; not for the hot path).</summary>
    public long ResidentBytes() => _rowBuffer.ResidentBytes() + (_halfBuffer?.ResidentBytes() ?? 0);

    /// <summary>Returns a slot's row (and its half-precision twin) to the system; for a slot whose sequence ended.</summary>
    public void Discard(int slot)
    {
        _rowBuffer.Discard((long)slot * Vocab * sizeof(float), (long)Vocab * sizeof(float));
        _halfBuffer?.Discard((long)slot * Vocab * sizeof(Half), (long)Vocab * sizeof(Half));
    }

    private static void Widen(ReadOnlySpan<Half> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)source[i];
        }
    }

    public void Dispose()
    {
        foreach (var v in _batchViews)
        {
            v?.Dispose();
        }
        _rowBuffer.Dispose();
        _halfBuffer?.Dispose();
    }
}
