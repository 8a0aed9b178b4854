using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// One sysfs attribute opened once and re-read at offset 0 into a stack buffer: sysfs regenerates the value
/// on every read from the start, so a reader on the hot path needs neither a new handle nor a string.
/// </summary>
internal sealed class SysfsFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    public SysfsFile(string path)
    {
        Path = path;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    public string Path { get; }

    /// <summary>The attribute as an integer (<c>energy_uj</c>, <c>in1_input</c>, <c>temp</c>); false when it is not one.</summary>
    public bool TryRead(out long value)
    {
        Span<byte> buffer = stackalloc byte[32];
        var n = RandomAccess.Read(_handle, buffer, 0);
        var text = buffer[..n];
        while (text.Length > 0 && text[0] is (byte)' ' or (byte)'\t')
        {
            text = text[1..];
        }
        return Utf8Parser.TryParse(text, out value, out _);
    }

    /// <summary>The attribute as an integer, or an <see cref="IOException"/> naming the file.</summary>
    public long Read() => TryRead(out var value) ? value : throw new IOException($"{Path} does not hold an integer");

    public void Dispose() => _handle.Dispose();
}
