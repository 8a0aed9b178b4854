using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace EdgeLLM.Ota.Tests.Support;

/// <summary>Builds <c>.tar.gz</c> bundles entry by entry, including the hostile kinds the packer would never write.</summary>
internal sealed class CraftedBundle
{
    private readonly List<Func<TarWriter, Task>> _entries = [];

    /// <summary>A bundle that starts like a real model (a <c>genai_config.json</c>), so only the hostile entry is wrong.</summary>
    public static CraftedBundle StartingLikeAModel() =>
        new CraftedBundle().File("genai_config.json", "{\"model\":{\"type\":\"llama\"}}");

    public CraftedBundle File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    public CraftedBundle File(string name, byte[] content)
    {
        _entries.Add(w => w.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) }));
        return this;
    }

    /// <summary>A file of <paramref name="length"/> zero bytes, written without holding them in memory.</summary>
    public CraftedBundle Zeros(string name, long length)
    {
        _entries.Add(w => w.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new ZeroStream(length) }));
        return this;
    }

    public CraftedBundle Entry(TarEntryType type, string name, string? linkName = null)
    {
        _entries.Add(w =>
        {
            var entry = new PaxTarEntry(type, name);
            if (linkName is not null)
            {
                entry.LinkName = linkName;
            }

            if (type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
            {
                entry.DeviceMajor = 1;
                entry.DeviceMinor = 3;
            }

            return w.WriteEntryAsync(entry);
        });
        return this;
    }

    public async Task<byte[]> BuildAsync()
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var write in _entries)
            {
                await write(tar);
            }
        }

        return buffer.ToArray();
    }

    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => _position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
