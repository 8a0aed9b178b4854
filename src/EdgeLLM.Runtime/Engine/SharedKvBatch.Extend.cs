using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Engine;

/// <summary>
/// Multi-position runs for speculative decoding: one slot as a batch of one (its own KV views and mask row), with the
/// logits of every position kept. Rejected positions are dropped by cutting the slot's length and mask back; their KV
/// stays in the buffer and is overwritten by the next tokens.
/// </summary>
internal sealed unsafe partial class SharedKvBatch
{
    private ExtendBuffers? _extend;
    private readonly Dictionary<int, (OrtValue[] Inputs, OrtValue[] Outputs)> _extendSteps = [];
    private int _extendGeneration = -1;

    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Extend(int slot, ReadOnlySpan<int> tokens)
    {
        var width = tokens.Length;
        var start = _lengths[slot];
        if (width == 0 || start + width > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"slot {slot} holds {start} positions; {width} more do not fit in {MaxLength}");
        }
        _extend ??= new ExtendBuffers(VocabSize, _model.LogitsType);
        var (inputs, outputs) = ExtendStep(slot, width);
        for (var j = 0; j < width; j++)
        {
            _extend.Ids[j] = tokens[j];
            _extend.Positions[j] = start + j;
        }
        new Span<long>(MaskRow(slot) + start, width).Fill(1);
        var started = Stopwatch.GetTimestamp();
        try
        {
            _model.Session.Run(_model.RunOptions, _io.Inputs, inputs, _io.Outputs, outputs);
        }
        catch
        {
            new Span<long>(MaskRow(slot) + start, width).Clear();
            throw;
        }
        Volatile.Write(ref _decodeRunTicks, _decodeRunTicks + (Stopwatch.GetTimestamp() - started));
        _lengths[slot] = start + width;
        _extend.Complete(width);
    }

    public Span<float> ExtendLogits(int position) =>
        _extend is null ? throw new InvalidOperationException("no multi-position run yet") : _extend.Row(position);

    public void Truncate(int slot, int length)
    {
        var current = _lengths[slot];
        if (length < 0 || length > current)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"slot {slot} holds {current} positions; cannot keep {length}");
        }
        new Span<long>(MaskRow(slot) + length, current - length).Clear();
        _lengths[slot] = length;
    }

    private (OrtValue[] Inputs, OrtValue[] Outputs) ExtendStep(int slot, int width)
    {
        var (ids, positions, logits) = _extend!.Views(width, _model.HasPositionIds);
        if (_extendGeneration != _extend.Generation)
        {
            _extendSteps.Clear();
            _extendGeneration = _extend.Generation;
        }
        var key = slot * 4096 + width;
        if (_extendSteps.TryGetValue(key, out var step))
        {
            return step;
        }
        var inputs = new OrtValue[_io.Inputs.Length];
        var outputs = new OrtValue[_io.Outputs.Length];
        inputs[0] = ids;
        inputs[1] = SlotMask(slot);
        if (positions is not null)
        {
            inputs[2] = positions;
        }
        if (_io.SelectsLogits)
        {
            inputs[_io.LogitsIndicesInput] = _logitsPositions.Every(width);
        }
        outputs[0] = logits;
        for (var l = 0; l < _cache.Layout.Layers; l++)
        {
            inputs[_io.FirstPastInput + 2 * l] = outputs[1 + 2 * l] = _cache.SlotKey(l, slot);
            inputs[_io.FirstPastInput + 2 * l + 1] = outputs[2 + 2 * l] = _cache.SlotValue(l, slot);
        }
        _extendSteps[key] = (inputs, outputs);
        return (inputs, outputs);
    }
}
