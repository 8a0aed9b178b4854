using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Download;

/// <summary>
/// Builds a model version's directory from its manifest's <c>files</c>: a file the device already holds with the same
/// size and SHA-256 (in the active or the previous version) is copied, every other one is downloaded alone with the
/// bundle downloader (resumable, retried, with the same limits) and checked against its SHA-256. A new version that
/// changes only its weights downloads only the weights.
/// </summary>
internal sealed class OtaFileFetcher(OtaBundleDownloader downloader, ILogger logger)
{
    /// <summary>Fills <paramref name="target"/> (a fresh staging directory) with the manifest's files.</summary>
    /// <param name="manifest">A manifest with <see cref="OtaManifest.Files"/>.</param>
    /// <param name="target">The model directory to create.</param>
    /// <param name="downloads">Where partial files are kept between attempts (<see cref="OtaModelStore.FilesDownloadDirectory"/>).</param>
    /// <param name="sources">Model directories already on the device whose files may be reused.</param>
    /// <param name="progress">Called with the fraction of the bytes to download received so far.</param>
    /// <param name="cancellationToken">Stops; partial files stay for the next attempt.</param>
    /// <exception cref="OtaUpdateException">A download failed, a file's SHA-256 did not match, or writing failed.</exception>
    public async Task<OtaFetchResult> FetchAsync(
        OtaManifest manifest, string target, string downloads, IEnumerable<string> sources, Func<double, CancellationToken, ValueTask> progress,
        CancellationToken cancellationToken)
    {
        var files = manifest.Files ?? throw new ArgumentException("the manifest lists no files", nameof(manifest));
        var held = await IndexAsync(sources, files, cancellationToken).ConfigureAwait(false);
        var missing = new List<OtaManifestFile>();
        long reused = 0;
        Directory.CreateDirectory(target);
        foreach (var file in files)
        {
            var destination = Destination(target, file);
            if (held.TryGetValue((file.Size, file.Sha256), out var source))
            {
                // Installed versions are never written again, so a copy (not a link) keeps the new one independent of their pruning.
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                await CopyDurablyAsync(source, destination, cancellationToken).ConfigureAwait(false);
                reused += file.Size;
            }
            else
            {
                missing.Add(file);
            }
        }

        var total = missing.Sum(f => f.Size);
        long done = 0;
        foreach (var file in missing)
        {
            var destination = Destination(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (file.Size == 0)
            {
                await File.WriteAllBytesAsync(destination, [], cancellationToken).ConfigureAwait(false);
                continue;
            }

            var part = Destination(downloads, file) + ".part";
            var before = done;
            try
            {
                await downloader.DownloadAsync(file.Url ?? throw new OtaUpdateException(OtaErrorCode.InvalidManifest, $"file {file.Path} has no usable url"),
                    file.Size, file.Sha256, part, (bytes, ct) => progress(total == 0 ? 1 : (double)(before + bytes) / total, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (OtaDownloadException e)
            {
                var code = e.IsSizeMismatch ? OtaErrorCode.SizeMismatch : e.IsStorageError ? OtaErrorCode.StorageError : OtaErrorCode.DownloadFailed;
                if (e.IsSizeMismatch || e.IsStorageError)
                {
                    OtaModelStore.DeleteDownload(part);
                }

                throw new OtaUpdateException(code, $"file {file.Path}: {e.Message}", e);
            }

            var (size, sha256) = await OtaBundlePacker.HashFileAsync(part, cancellationToken).ConfigureAwait(false);
            if (size != file.Size || sha256 != file.Sha256)
            {
                OtaModelStore.DeleteDownload(part);
                throw new OtaUpdateException(size != file.Size ? OtaErrorCode.SizeMismatch : OtaErrorCode.Sha256Mismatch,
                    $"file {file.Path} is {size} bytes with SHA-256 {sha256}; the manifest says {file.Size} bytes, {file.Sha256}");
            }

            DurableFileSystem.Rename(part, destination);
            DurableFileSystem.TryDelete(part + ".json");
            done += file.Size;
        }

        DurableFileSystem.FsyncDirectories(target);
        var result = new OtaFetchResult(total, missing.Count, reused, files.Count - missing.Count);
        OtaLog.FilesFetched(logger, manifest.Model, manifest.Version, result.DownloadedFiles, result.DownloadedBytes, result.ReusedFiles, result.ReusedBytes);
        return result;
    }

    private static string Destination(string root, OtaManifestFile file) => Path.Combine(root, file.Path.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The files of <paramref name="sources"/> that the manifest wants, by size and SHA-256 (only files of a wanted size are hashed).</summary>
    private static async Task<Dictionary<(long Size, string Sha256), string>> IndexAsync(
        IEnumerable<string> sources, IReadOnlyList<OtaManifestFile> wanted, CancellationToken cancellationToken)
    {
        var sizes = wanted.Select(f => f.Size).ToHashSet();
        var index = new Dictionary<(long, string), string>();
        foreach (var source in sources.Where(Directory.Exists).Distinct(StringComparer.Ordinal))
        {
            foreach (var path in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var info = new FileInfo(path);
                if (info.LinkTarget is not null || !sizes.Contains(info.Length))
                {
                    continue;
                }

                var (size, sha256) = await OtaBundlePacker.HashFileAsync(path, cancellationToken).ConfigureAwait(false);
                index.TryAdd((size, sha256), path);
            }
        }

        return index;
    }

    private static async Task CopyDurablyAsync(string source, string destination, CancellationToken cancellationToken)
    {
        await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        await using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }
    }
}
