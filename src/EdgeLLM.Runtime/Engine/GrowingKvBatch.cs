using System.Diagnostics;
using EdgeLLM.Runtime.KvCache;
using EdgeLLM.Runtime.Models;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Engine;

/// <summary>
/// One sequence decoded with a growing past: each run's present tensors (allocated by ONNX Runtime, one
/// position longer) become the next run's past. This is the layout every decoder export supports, at the
/// cost of a copy of the cache per token (and of new present tensors and run arrays per token, so this style is not
/// allocation-free); models configured with <c>past_present_share_buffer</c> use <see cref="SharedKvBatch"/> instead.
/// </summary>
internal sealed unsafe partial class GrowingKvBatch : IDecodeBatch
{
    private readonly DecoderSession _model;
    private readonly ModelIo _io;
    private readonly KvCacheLayout _layout;
    private readonly LogitsRows _logits;
    private readonly LogitsPositions _logitsPositions = new();
    private readonly OrtValue[] _past;
    private int _length;
    private long _decodeRunTicks;

    public GrowingKvBatch(DecoderSession model, int maxLength)
    {
        _model = model;
        _io = new ModelIo(model);
        var d = model.Decoder;
        _layout = new KvCacheLayout(d.NumHiddenLayers, d.NumKeyValueHeads, d.HeadSize, model.KvType);
        _logits = new LogitsRows(1, model.Config.Model.VocabSize, model.LogitsType);
        MaxLength = maxLength;
        _past = new OrtValue[2 * d.NumHiddenLayers];
        Reset(0);
    }

    public int Capacity => 1;

    public int MaxLength { get; }

    public int VocabSize => _logits.Vocab;

    public long KvBytes => _layout.BytesPerSequence(_length);

    public bool SupportsPrefixReuse => false;

    public long DecodeRunTicks => Volatile.Read(ref _decodeRunTicks);

    public int Length(int slot) => _length;

    public Span<float> Logits(int slot) => _logits.Row(0);

    public void Prefill(int slot, ReadOnlySpan<int> tokens) => Run(tokens, decode: false);

    /// <summary>A growing cache holds one sequence: there is no group to prefill.</summary>
    public bool TryPrefillMany(int firstSlot, IReadOnlyList<int[]> prompts) => false;

    public int MaxPrefillGroup(int length) => 1;

    public void Decode(ReadOnlySpan<int> tokens) => Run(tokens[..1], decode: true);

    private void Run(ReadOnlySpan<int> tokens, bool decode)
    {
        var count = tokens.Length;
        if (count == 0 || _length + count > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"{_length} positions held; {count} more do not fit in {MaxLength}");
        }
        var total = _length + count;
        var ids = new long[count];
        var positions = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = tokens[i];
            positions[i] = _length + i;
        }
        var mask = new long[total];
        mask.AsSpan().Fill(1);
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, count]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [1, total]);
        using var positionsValue = _model.HasPositionIds ? OrtValue.CreateTensorValueFromMemory(positions, [1, count]) : null;
        // Which positions get logits: the last one, or every one for a speculative check (the shared values are kept).
        using var last = _io.SelectsLogits && !_keepAllLogits && count > 1 ? LogitsPositions.Last(1, count) : null;
        var rows = _keepAllLogits ? count : _io.LastRows(count);
        using var logits = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _model.LogitsType, [1, rows, VocabSize]);
        var inputs = new OrtValue[_io.Inputs.Length];
        var outputs = new OrtValue[_io.Outputs.Length];
        inputs[0] = idsValue;
        inputs[1] = maskValue;
        if (positionsValue is not null)
        {
            inputs[2] = positionsValue;
        }
        if (_io.SelectsLogits)
        {
            inputs[_io.LogitsIndicesInput] = last ?? (_keepAllLogits ? _logitsPositions.Every(count) : _logitsPositions.Decode(1));
        }
        outputs[0] = logits;
        var present = new OrtValue[_past.Length];
        for (var i = 0; i < _past.Length; i++)
        {
            present[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _layout.ElementType, [1, _layout.KvHeads, total, _layout.HeadSize]);
            inputs[_io.FirstPastInput + i] = _past[i];
            outputs[1 + i] = present[i];
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            _model.Session.Run(_model.RunOptions, _io.Inputs, inputs, _io.Outputs, outputs);
        }
        catch
        {
            foreach (var p in present)
            {
                p.Dispose();
            }
            throw;
        }
        if (decode)
        {
            Volatile.Write(ref _decodeRunTicks, _decodeRunTicks + (Stopwatch.GetTimestamp() - started));
        }
        for (var i = 0; i < _past.Length; i++)
        {
            _past[i].Dispose();
            _past[i] = present[i];
        }
        _length = total;
        _logits.TakeLast(logits, 0);
        if (_keepAllLogits)
        {
            _extend!.TakeAll(logits, count);
        }
    }

    public void Reset(int slot)
    {
        for (var i = 0; i < _past.Length; i++)
        {
            _past[i]?.Dispose();
            _past[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _layout.ElementType, [1, _layout.KvHeads, 0, _layout.HeadSize]);
        }
        _length = 0;
    }

    public void Move(int from, int to)
    {
        if (from != 0 || to != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(from), "a growing-KV batch has one slot");
        }
    }

    public long PrefixBytes(int length) => throw new NotSupportedException("prefix reuse needs a shared KV buffer");

    public void ExportPrefix(int slot, int length, byte* block) => throw new NotSupportedException("prefix reuse needs a shared KV buffer");

    public void ImportPrefix(int slot, int length, byte* block, int blockLength) => throw new NotSupportedException("prefix reuse needs a shared KV buffer");

    public void Dispose()
    {
        foreach (var p in _past)
        {
            p?.Dispose();
        }
        _extend?.Dispose();
        _logitsPositions.Dispose();
        _logits.Dispose();
    }
}
