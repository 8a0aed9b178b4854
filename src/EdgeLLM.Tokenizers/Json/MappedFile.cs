using System.IO.MemoryMappedFiles;

namespace EdgeLLM.Tokenizers.Json;

/// <summary>
/// A file mapped read-only for the time it is parsed: its bytes are read through the page cache instead of being
/// copied into a managed array (a 152k-token tokenizer.json would be a 7 MiB large-object allocation that stays
/// committed in the GC heap after loading). Owns the mapping and the view; dispose after parsing.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;

    public MappedFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Length = checked((int)stream.Length);
        if (Length == 0)
        {
            return;
        }
        _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        try
        {
            _view = _file.CreateViewAccessor(0, Length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointer = pointer + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    public int Length { get; }

    /// <summary>The file's bytes, valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Bytes => Length == 0 ? default : new ReadOnlySpan<byte>(_pointer, Length);

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file?.Dispose();
    }
}
