using System.Formats.Tar;
using System.IO.Compression;
using EdgeLLM.Ota.Store;

namespace EdgeLLM.Ota.Bundles;

/// <summary>
/// Extracts a bundle (<c>.tar.gz</c>) into a new directory, refusing everything that could reach outside it
/// or exhaust the device: absolute names, <c>..</c> segments, backslashes, symbolic and hard links (all links
/// are refused, so none can point out), devices, FIFOs and other special entries, duplicate names, and
/// bundles beyond <see cref="OtaBundleLimits"/>. Every file and directory is fsynced before it returns, so the
/// result can be renamed into place durably.
/// </summary>
public static class OtaBundleExtractor
{
    private const int HeaderSlackPerEntry = 3 * 512;

    /// <summary>
    /// Extracts <paramref name="bundlePath"/> into <paramref name="destination"/> (which must not exist) and returns the
    /// model directory inside it: the destination itself, or its only subdirectory when the bundle holds one
    /// top-level directory that has <c>genai_config.json</c>.
    /// </summary>
    /// <param name="bundlePath">The bundle, already verified against its manifest.</param>
    /// <param name="destination">A directory to create; on failure whatever was written stays for the caller to delete.</param>
    /// <param name="limits">Size, ratio and entry caps.</param>
    /// <param name="fileExtracted">Called after each file is written with its relative name and the fraction of the bundle read.</param>
    /// <param name="cancellationToken">Stops the extraction between reads.</param>
    /// <exception cref="UnsafeBundleException">The bundle breaks a rule.</exception>
    /// <exception cref="InvalidDataException">The bundle is not a gzip-compressed tar archive.</exception>
    /// <exception cref="IOException">Writing failed (for example the disk is full).</exception>
    public static async Task<string> ExtractAsync(
        string bundlePath, string destination, OtaBundleLimits limits, Func<string, double, ValueTask>? fileExtracted,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var root = Path.GetFullPath(destination);
        if (Path.Exists(root))
        {
            throw new IOException($"{root} exists already; extraction needs a fresh directory");
        }

        Directory.CreateDirectory(root);
        await using var compressed = new FileStream(bundlePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var compressedSize = Math.Max(1, compressed.Length);
        var contentCap = (long)Math.Min(limits.MaxExtractedBytes, limits.MaxCompressionRatio * compressedSize);
        await using var gzip = new GZipStream(compressed, CompressionMode.Decompress);

        // Caps what decompression may produce in total (file data plus tar headers, padding and PAX records),
        // so a bomb hidden in headers is stopped as surely as one in file data.
        var streamCap = contentCap + ((long)limits.MaxEntries * HeaderSlackPerEntry) + (1 << 20);
        await using var bounded = new BoundedReadStream(gzip, streamCap);
        await using var reader = new TarReader(bounded);
        long written = 0;
        var entries = 0;
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }

            if (++entries > limits.MaxEntries)
            {
                throw new UnsafeBundleException("", $"more than {limits.MaxEntries} entries");
            }

            var path = ResolveEntryPath(root, entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    if (path is not null)
                    {
                        if (File.Exists(path))
                        {
                            throw new UnsafeBundleException(entry.Name, "names a file and a directory");
                        }

                        Directory.CreateDirectory(path);
                    }

                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    if (path is null)
                    {
                        throw new UnsafeBundleException(entry.Name, "names the bundle's root as a file");
                    }

                    if (written + entry.Length > contentCap)
                    {
                        throw new UnsafeBundleException(entry.Name, written + entry.Length > limits.MaxExtractedBytes
                            ? $"would extract more than {limits.MaxExtractedBytes} bytes (Ota:MaxExtractedBytes)"
                            : $"would extract more than {limits.MaxCompressionRatio}x the bundle's {compressedSize} bytes (Ota:MaxCompressionRatio): a decompression bomb");
                    }

                    written += await WriteFileAsync(entry, path, cancellationToken).ConfigureAwait(false);
                    if (fileExtracted is not null)
                    {
                        await fileExtracted(Path.GetRelativePath(root, path), (double)compressed.Position / compressedSize).ConfigureAwait(false);
                    }
                    break;
                case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                    throw new UnsafeBundleException(entry.Name, $"is a {(entry.EntryType == TarEntryType.HardLink ? "hard" : "symbolic")} link to '{entry.LinkName}'; bundles may not contain links");
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                    throw new UnsafeBundleException(entry.Name, "is a device node; bundles may hold only files and directories");
                case TarEntryType.Fifo:
                    throw new UnsafeBundleException(entry.Name, "is a FIFO; bundles may hold only files and directories");
                default:
                    throw new UnsafeBundleException(entry.Name, $"has entry type {entry.EntryType}; bundles may hold only files and directories");
            }
        }

        DurableFileSystem.FsyncDirectories(root); // each file was fsynced as it was written
        return FindModelDirectory(root);
    }

    /// <summary>The absolute path an entry extracts to, or null for the root itself.</summary>
    internal static string? ResolveEntryPath(string root, string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafeBundleException(name, "has an empty or NUL-containing name");
        }

        if (name.Contains('\\', StringComparison.Ordinal))
        {
            throw new UnsafeBundleException(name, "contains a backslash; bundle paths use '/'");
        }

        if (name[0] == '/')
        {
            throw new UnsafeBundleException(name, "is an absolute path; bundle paths must be relative");
        }

        var segments = new List<string>();
        foreach (var segment in name.Split('/'))
        {
            if (segment == "..")
            {
                throw new UnsafeBundleException(name, "contains '..'; no path may leave the staging directory");
            }

            if (segment.Length > 0 && segment != ".")
            {
                segments.Add(segment);
            }
        }

        if (segments.Count == 0)
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(root, Path.Combine([.. segments])));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UnsafeBundleException(name, "resolves outside the staging directory");
        }

        return full;
    }

    private static async Task<long> WriteFileAsync(TarEntry entry, string path, CancellationToken cancellationToken)
    {
        if (Path.Exists(path))
        {
            throw new UnsafeBundleException(entry.Name, "appears more than once");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var output = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 1 << 16,
            PreallocationSize = entry.Length,
        });
        if (entry.DataStream is { } data)
        {
            await data.CopyToAsync(output, 1 << 16, cancellationToken).ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        output.Flush(flushToDisk: true);
        if (output.Length != entry.Length)
        {
            throw new InvalidDataException($"entry '{entry.Name}' is truncated: {output.Length} of {entry.Length} bytes");
        }

        return output.Length;
    }

    private static string FindModelDirectory(string root)
    {
        if (File.Exists(Path.Combine(root, OtaBundlePacker.GenAiConfigFile)))
        {
            return root;
        }

        var directories = Directory.GetDirectories(root);
        if (directories.Length == 1 && Directory.GetFiles(root).Length == 0
            && File.Exists(Path.Combine(directories[0], OtaBundlePacker.GenAiConfigFile)))
        {
            return directories[0];
        }

        throw new UnsafeBundleException("", $"holds no {OtaBundlePacker.GenAiConfigFile} at its root: not a model bundle");
    }
}
