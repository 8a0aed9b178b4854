using System.Buffers.Binary;
using System.Text;

namespace EdgeLLM.Cli.Bench.Gguf;

/// <summary>
/// Writes a GGUF v3 file (llama.cpp's container): header, typed metadata, tensor directory, then the tensors' data,
/// each aligned to <see cref="Alignment"/>. Tensors are declared with their sizes first and written afterwards, one at
/// a time in declaration order, so a model of any size streams through a small buffer.
/// See https://github.com/ggml-org/ggml/blob/master/docs/gguf.md.
/// </summary>
internal sealed class GgufWriter : IDisposable
{
    public const int Alignment = 32;

    private readonly Stream _stream;
    private readonly List<(string Key, Action<BinaryWriter> Write)> _metadata = [];
    private readonly List<GgufTensor> _tensors = [];
    private int _written;
    private bool _headerDone;

    public GgufWriter(Stream stream) => _stream = stream;

    public void Add(string key, string value) => _metadata.Add((key, w => { w.Write((uint)GgufType.String); WriteString(w, value); }));

    public void Add(string key, uint value) => _metadata.Add((key, w => { w.Write((uint)GgufType.UInt32); w.Write(value); }));

    public void Add(string key, float value) => _metadata.Add((key, w => { w.Write((uint)GgufType.Float32); w.Write(value); }));

    public void Add(string key, IReadOnlyList<string> values) => _metadata.Add((key, w =>
    {
        w.Write((uint)GgufType.Array);
        w.Write((uint)GgufType.String);
        w.Write((ulong)values.Count);
        foreach (var v in values)
        {
            WriteString(w, v);
        }
    }));

    public void Add(string key, IReadOnlyList<int> values) => _metadata.Add((key, w =>
    {
        w.Write((uint)GgufType.Array);
        w.Write((uint)GgufType.Int32);
        w.Write((ulong)values.Count);
        foreach (var v in values)
        {
            w.Write(v);
        }
    }));

    /// <summary>Declares a tensor; its bytes come later through <see cref="WriteTensorData"/>, in declaration order.</summary>
    public void Declare(GgufTensor tensor) => _tensors.Add(tensor);

    /// <summary>Writes header, metadata and the tensor directory; call once, after every declaration.</summary>
    public void WriteHeader()
    {
        using var w = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count + 1);
        WriteString(w, "general.alignment");
        w.Write((uint)GgufType.UInt32);
        w.Write((uint)Alignment);
        foreach (var (key, write) in _metadata)
        {
            WriteString(w, key);
            write(w);
        }
        ulong offset = 0;
        foreach (var t in _tensors)
        {
            WriteString(w, t.Name);
            w.Write((uint)t.Dimensions.Length);
            foreach (var d in t.Dimensions)
            {
                w.Write((ulong)d);
            }
            w.Write((uint)t.Type);
            w.Write(offset);
            offset += (ulong)Padded(t.Bytes);
        }
        w.Flush();
        Pad();
        _headerDone = true;
    }

    /// <summary>Writes the next declared tensor's data (exactly its size), then the padding after it.</summary>
    public void WriteTensorData(ReadOnlySpan<byte> data)
    {
        if (!_headerDone || _written >= _tensors.Count || data.Length != _tensors[_written].Bytes)
        {
            throw new InvalidOperationException($"tensor data out of order or of the wrong size (tensor {_written} of {_tensors.Count})");
        }
        _stream.Write(data);
        _written++;
        Pad();
    }

    private static long Padded(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    private void Pad()
    {
        Span<byte> zeros = stackalloc byte[Alignment];
        zeros.Clear();
        var over = (int)(_stream.Position % Alignment);
        if (over != 0)
        {
            _stream.Write(zeros[..(Alignment - over)]);
        }
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    public void Dispose()
    {
        if (_written != _tensors.Count)
        {
            throw new InvalidOperationException($"{_tensors.Count - _written} declared tensors were not written");
        }
        _stream.Flush();
    }

    private enum GgufType : uint
    {
        UInt32 = 4,
        Int32 = 5,
        Float32 = 6,
        String = 8,
        Array = 9,
    }
}
