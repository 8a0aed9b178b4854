using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Engine;

/// <summary>
/// Values for the decoder's logits-index input (<see cref="Onnx.LogitsIndexGraph"/>): which positions of each row a
/// run computes logits for. Decode steps and speculative checks reuse one value per shape, made on first use, so
/// those runs allocate nothing; a prefill makes its own (it allocates its inputs anyway).
/// </summary>
internal sealed class LogitsPositions : IDisposable
{
    private readonly Dictionary<int, OrtValue> _decode = [];
    private readonly Dictionary<int, OrtValue> _every = [];

    /// <summary>[n, 1, 1] of zeros: a decode step's one new position in each of n rows.</summary>
    public OrtValue Decode(int rows)
    {
        if (!_decode.TryGetValue(rows, out var value))
        {
            _decode[rows] = value = OrtValue.CreateTensorValueFromMemory(new long[rows], [rows, 1, 1]);
        }
        return value;
    }

    /// <summary>[1, width, 1] of 0..width-1: every position of a one-row run (a speculative check reads them all).</summary>
    public OrtValue Every(int width)
    {
        if (!_every.TryGetValue(width, out var value))
        {
            var positions = new long[width];
            for (var i = 0; i < width; i++)
            {
                positions[i] = i;
            }
            _every[width] = value = OrtValue.CreateTensorValueFromMemory(positions, [1, width, 1]);
        }
        return value;
    }

    /// <summary>[rows, 1, 1] naming the last of <paramref name="count"/> positions in each row: a prefill reads only that
    /// one. The caller disposes it.</summary>
    public static OrtValue Last(int rows, int count)
    {
        var positions = new long[rows];
        Array.Fill(positions, count - 1L);
        return OrtValue.CreateTensorValueFromMemory(positions, [rows, 1, 1]);
    }

    public void Dispose()
    {
        foreach (var v in _decode.Values.Concat(_every.Values))
        {
            v.Dispose();
        }
        _decode.Clear();
        _every.Clear();
    }
}
