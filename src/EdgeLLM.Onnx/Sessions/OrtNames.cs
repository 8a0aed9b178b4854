using System.Runtime.InteropServices;
using System.Text;

namespace EdgeLLM.Onnx;

/// <summary>
/// Input or output names encoded once as NUL-terminated UTF-8 in native memory, so a run passes them with no
/// encoding or allocation. Keep one per set of names and reuse it for every run.
/// </summary>
public sealed unsafe class OrtNames : IDisposable
{
    private readonly byte** _pointers;
    private readonly string[] _names;

    public OrtNames(IReadOnlyList<string> names)
    {
        _names = names.ToArray();
        _pointers = (byte**)NativeMemory.AllocZeroed((nuint)Math.Max(1, _names.Length), (nuint)sizeof(byte*));
        for (var i = 0; i < _names.Length; i++)
        {
            var count = Encoding.UTF8.GetByteCount(_names[i]);
            var p = (byte*)NativeMemory.Alloc((nuint)count + 1);
            Encoding.UTF8.GetBytes(_names[i], new Span<byte>(p, count));
            p[count] = 0;
            _pointers[i] = p;
        }
    }

    public int Count => _names.Length;

    public string this[int index] => _names[index];

    internal byte** Pointers
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _pointers;
        }
    }

    private bool _disposed;

    ~OrtNames() => Free();

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        for (var i = 0; i < _names.Length; i++)
        {
            NativeMemory.Free(_pointers[i]);
        }
        NativeMemory.Free(_pointers);
    }
}
