using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Engine;

/// <summary>
/// Multi-position runs for speculative decoding on a growing past: the run's present
/// tensors become the past as in a decode step, and rejected positions are cut off by copying the kept prefix into
/// shorter tensors (this style already allocates its cache anew every step).
/// </summary>
internal sealed unsafe partial class GrowingKvBatch
{
    private ExtendBuffers? _extend;
    private bool _keepAllLogits;

    public void Extend(int slot, ReadOnlySpan<int> tokens)
    {
        _extend ??= new ExtendBuffers(VocabSize, _model.LogitsType);
        _keepAllLogits = true;
        try
        {
            Run(tokens, decode: true);
        }
        finally
        {
            _keepAllLogits = false;
        }
    }

    public Span<float> ExtendLogits(int position) =>
        _extend is null ? throw new InvalidOperationException("no multi-position run yet") : _extend.Row(position);

    public void Truncate(int slot, int length)
    {
        if (length < 0 || length > _length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"{_length} positions held; cannot keep {length}");
        }
        if (length == _length)
        {
            return;
        }
        var rowBytes = (long)_layout.HeadSize * _layout.ElementSize;
        for (var i = 0; i < _past.Length; i++)
        {
            var kept = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _layout.ElementType, [1, _layout.KvHeads, length, _layout.HeadSize]);
            fixed (byte* source = _past[i].GetTensorMutableRawData())
            fixed (byte* target = kept.GetTensorMutableRawData())
            {
                for (var h = 0; h < _layout.KvHeads; h++)
                {
                    Buffer.MemoryCopy(source + h * _length * rowBytes, target + h * length * rowBytes, length * rowBytes, length * rowBytes);
                }
            }
            _past[i].Dispose();
            _past[i] = kept;
        }
        _length = length;
    }
}
