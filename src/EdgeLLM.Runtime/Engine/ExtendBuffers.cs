using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Engine;

/// <summary>
/// Native input and logits buffers for multi-position runs of one sequence ([1, width] ids and positions,
/// [1, width, vocab] logits), made on first use and grown only when a wider run comes, with their tensor views cached
/// per width: a speculative step of a width seen before allocates nothing.
/// </summary>
internal sealed unsafe class ExtendBuffers : IDisposable
{
    private readonly int _vocab;
    private readonly TensorElementType _logitsType;
    private readonly Dictionary<int, (OrtValue Ids, OrtValue? Positions, OrtValue Logits)> _views = [];
    private long* _ids;
    private long* _positions;
    private float* _logits;
    private Half* _halfLogits;
    private int _rows;

    public ExtendBuffers(int vocab, TensorElementType logitsType)
    {
        _vocab = vocab;
        _logitsType = logitsType;
    }

    /// <summary>Changes whenever the buffers move (views made earlier are then disposed).</summary>
    public int Generation { get; private set; }

    public long* Ids => _ids;

    public long* Positions => _positions;

    /// <summary>Views of the buffers for a run of <paramref name="width"/> positions.</summary>
    public (OrtValue Ids, OrtValue? Positions, OrtValue Logits) Views(int width, bool withPositions)
    {
        Ensure(width);
        if (_views.TryGetValue(width, out var views))
        {
            return views;
        }
        var target = _halfLogits != null ? (IntPtr)_halfLogits : (IntPtr)_logits;
        views = (NativeTensor.Over((IntPtr)_ids, TensorElementType.Int64, [1, width]),
            withPositions ? NativeTensor.Over((IntPtr)_positions, TensorElementType.Int64, [1, width]) : null,
            NativeTensor.Over(target, _logitsType, [1, width, _vocab]));
        _views[width] = views;
        return views;
    }

    /// <summary>After a run: float16 logits widened to float for the positions used.</summary>
    public void Complete(int positions)
    {
        if (_halfLogits == null)
        {
            return;
        }
        var count = (long)positions * _vocab;
        for (long i = 0; i < count; i++)
        {
            _logits[i] = (float)_halfLogits[i];
        }
    }

    public Span<float> Row(int position) => new(_logits + (long)position * _vocab, _vocab);

    /// <summary>Copies the [1, S, vocab] logits of a single-sequence run into rows 0..S-1.</summary>
    public void TakeAll(OrtValue logits, int positions)
    {
        Ensure(positions);
        var count = positions * _vocab;
        if (_logitsType == TensorElementType.Float16)
        {
            // Raw bytes: the package types float16 as its own Float16 struct; System.Half has the same layout.
            var source = MemoryMarshal.Cast<byte, Half>(logits.GetTensorMutableRawData());
            for (var i = 0; i < count; i++)
            {
                _logits[i] = (float)source[i];
            }
        }
        else
        {
            logits.GetTensorDataAsSpan<float>()[..count].CopyTo(new Span<float>(_logits, count));
        }
    }

    private void Ensure(int positions)
    {
        if (positions <= _rows)
        {
            return;
        }
        var size = Math.Max(positions, 2 * _rows);
        Release();
        Generation++;
        _rows = size;
        _ids = (long*)NativeMemory.AllocZeroed((nuint)_rows, sizeof(long));
        _positions = (long*)NativeMemory.AllocZeroed((nuint)_rows, sizeof(long));
        _logits = (float*)NativeMemory.AlignedAlloc((nuint)((long)_rows * _vocab * sizeof(float)), 64);
        if (_logitsType == TensorElementType.Float16)
        {
            _halfLogits = (Half*)NativeMemory.AlignedAlloc((nuint)((long)_rows * _vocab * sizeof(Half)), 64);
        }
    }

    private void Release()
    {
        foreach (var (ids, positions, logits) in _views.Values)
        {
            ids.Dispose();
            positions?.Dispose();
            logits.Dispose();
        }
        _views.Clear();
        NativeMemory.Free(_ids);
        NativeMemory.Free(_positions);
        NativeMemory.AlignedFree(_logits);
        NativeMemory.AlignedFree(_halfLogits);
        _ids = null;
        _positions = null;
        _logits = null;
        _halfLogits = null;
        _rows = 0;
    }

    public void Dispose() => Release();
}
