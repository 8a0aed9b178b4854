using System.Globalization;

namespace EdgeLLM.Runtime.Memory;

/// <summary>
/// Drops the model files' pages that loading left in the process's resident set. ONNX Runtime maps a model's external
/// data file and keeps the mappings of the weights it did not let go (the embedding's rows, the scales and zero points
/// that <c>MatMulNBits</c> also copied into its prepacked weights); every page read while loading stays resident: about
/// 70 MiB on qwen2.5-0.5b, which the process then carries for nothing.
/// </summary>
/// <remarks>
/// Only non-executable mappings of files inside the model's folder none of whose pages were written (no private copy:
/// <c>Anonymous: 0 kB</c> in <c>/proc/self/smaps</c>; ONNX Runtime maps the file private and writable, and does not
/// write) are touched. Every page of such a mapping is the file's, so <c>MADV_DONTNEED</c> loses nothing: the process
/// stops holding them, the page cache keeps them as long as the system has room, and a page read again (an
/// embedding row a prompt gathers) is mapped back on use.
/// </remarks>
public static class MappedModelPages
{
    /// <summary>Releases the resident pages of every such mapping of <paramref name="modelDirectory"/>'s files.</summary>
    public static MappedPagesRelease Release(string modelDirectory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new MappedPagesRelease(0, 0, 0);
        }
        var folder = Path.GetFullPath(modelDirectory).TrimEnd('/') + "/";
        var mappings = 0;
        long mapped = 0, released = 0;
        foreach (var region in CleanFileRegions(File.ReadLines("/proc/self/smaps"), folder))
        {
            unsafe
            {
                if (LinuxMemory.Advise((void*)region.Start, (nuint)(region.End - region.Start), LinuxMemory.MadviseDontNeed) == 0)
                {
                    mappings++;
                    mapped += region.End - region.Start;
                    // The region's own resident pages, not the process's RssFile before and after: other threads map
                    // and read files meanwhile.
                    released += region.ResidentBytes;
                }
            }
        }
        return new MappedPagesRelease(mappings, mapped, released);
    }

    /// <summary>
    /// The mappings in <paramref name="smaps"/> (the lines of <c>/proc/self/smaps</c>) of files inside
    /// <paramref name="folder"/> (a full path ending in '/') that are not executable, hold resident pages and have no
    /// page written (<c>Anonymous: 0 kB</c>), with their resident bytes.
    /// </summary>
    internal static IEnumerable<(long Start, long End, long ResidentBytes)> CleanFileRegions(IEnumerable<string> smaps, string folder)
    {
        (long Start, long End)? current = null;
        long? rss = null, anonymous = null;
        foreach (var line in smaps)
        {
            if (ProcFile.Mapping(line) is { } header)
            {
                if (current is { } done && rss > 0 && anonymous == 0)
                {
                    yield return (done.Start, done.End, rss.Value * 1024);
                }
                current = header.Path.StartsWith(folder, StringComparison.Ordinal) && header.Perms[2] != 'x' ? (header.Start, header.End) : null;
                rss = anonymous = null;
            }
            else if (current is not null)
            {
                rss ??= ProcFile.Kilobytes(line, "Rss:");
                anonymous ??= ProcFile.Kilobytes(line, "Anonymous:");
            }
        }
        if (current is { } last && rss > 0 && anonymous == 0)
        {
            yield return (last.Start, last.End, rss.Value * 1024);
        }
    }

}

/// <summary>What <see cref="MappedModelPages.Release"/> did: the mappings advised, their size, and the resident bytes they
/// gave back.</summary>
public readonly record struct MappedPagesRelease(int Mappings, long MappedBytes, long ReleasedBytes)
{
    public override string ToString() => Mappings == 0
        ? "no model file mapped"
        : string.Create(CultureInfo.InvariantCulture,
            $"{ReleasedBytes / 1048576.0:F1} MiB of model file pages let go after loading ({Mappings} mappings, {MappedBytes / 1048576.0:F1} MiB mapped)");
}
