using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Store;

namespace EdgeLLM.Ota.Bundles;

/// <summary>
/// Packs one model directory into an OTA bundle (<c>&lt;model&gt;-&lt;version&gt;.tar.gz</c>) and writes its unsigned
/// manifest (<c>&lt;model&gt;-&lt;version&gt;.json</c>) beside it. The bundle holds the directory's files at the archive's
/// root, in ordinal order, as ustar entries with fixed owner, mode and time, so the same directory always
/// packs to the same bytes (and the same SHA-256). The bundle's <c>edgellm_model.json</c> always names the manifest's
/// model id and version (written in, or added, when the directory's says otherwise), because a device serves and
/// reports the version its metadata names and refuses a bundle whose metadata disagrees with its manifest.
/// </summary>
public static class OtaBundlePacker
{
    /// <summary>The file every model directory must hold.</summary>
    public const string GenAiConfigFile = "genai_config.json";

    /// <summary>Optional file with the model's id and version (written by the model pipeline).</summary>
    public const string ModelInfoFile = "edgellm_model.json";

    private static readonly DateTimeOffset FixedTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Packs <see cref="OtaPackRequest.ModelDirectory"/>; see <see cref="OtaPackRequest"/> for the defaults.</summary>
    /// <exception cref="OtaPackException">The directory is not a packable model directory, or a flag is invalid.</exception>
    public static async Task<OtaPackResult> PackAsync(OtaPackRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var modelDirectory = Path.GetFullPath(request.ModelDirectory);
        if (!Directory.Exists(modelDirectory))
        {
            throw new OtaPackException($"{modelDirectory} is not a directory");
        }

        if (!File.Exists(Path.Combine(modelDirectory, GenAiConfigFile)))
        {
            throw new OtaPackException($"{modelDirectory} has no {GenAiConfigFile}: not a model directory in the GenAI layout");
        }

        EnsureJsonObject(Path.Combine(modelDirectory, GenAiConfigFile));
        var (infoId, infoVersion) = ReadModelInfo(modelDirectory);
        var model = request.Model ?? infoId ?? Path.GetFileName(modelDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var version = request.Version ?? infoVersion
            ?? throw new OtaPackException($"no version: {modelDirectory} has no {ModelInfoFile} with a \"version\"; pass --version");
        if (!OtaManifest.IsValidModelId(model))
        {
            throw new OtaPackException($"'{model}' is not a valid model id (letters, digits, '.', '_', '-'); pass --model");
        }

        if (!OtaManifest.IsValidVersion(version))
        {
            throw new OtaPackException($"'{version}' is not a valid version (letters, digits, '.', '_', '+', '-')");
        }

        if (request.MinRuntime is not null && !OtaManifest.IsValidVersion(request.MinRuntime))
        {
            throw new OtaPackException($"'{request.MinRuntime}' is not a valid --min-runtime version");
        }

        if (request.RolloutPercent is < 0 or > 100)
        {
            throw new OtaPackException($"--rollout-percent must be 0 to 100, not {request.RolloutPercent}");
        }

        var withDraft = request.IncludeDraft ? OtaDraftBundling.Prepare(modelDirectory) : null;
        try
        {
            return await PackDirectoryAsync(request, withDraft ?? modelDirectory, model, version, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (withDraft is not null)
            {
                Directory.Delete(withDraft, recursive: true);
            }
        }
    }

    private static async Task<OtaPackResult> PackDirectoryAsync(OtaPackRequest request, string modelDirectory, string model, string version, CancellationToken cancellationToken)
    {
        var files = CollectFiles(modelDirectory);
        var modelInfo = OtaModelInfo.ForBundle(modelDirectory, model, version);
        if (modelInfo is not null && !files.Contains(ModelInfoFile))
        {
            files.Add(ModelInfoFile);
            files.Sort(StringComparer.Ordinal);
        }

        Directory.CreateDirectory(request.OutputDirectory);
        var baseName = $"{model}-{version}";
        var bundlePath = Path.GetFullPath(Path.Combine(request.OutputDirectory, baseName + ".tar.gz"));
        var manifestPath = Path.GetFullPath(Path.Combine(request.OutputDirectory, baseName + ".json"));
        await WriteBundleAsync(modelDirectory, files, modelInfo, bundlePath, cancellationToken).ConfigureAwait(false);

        var (size, sha256) = await HashFileAsync(bundlePath, cancellationToken).ConfigureAwait(false);
        var url = request.Url switch
        {
            null => Path.GetFileName(bundlePath),
            var u when u.EndsWith('/') => u + Path.GetFileName(bundlePath),
            var u => u,
        };
        List<(string Path, long Size, string Sha256)>? listed = null;
        string? filesDirectory = null;
        if (request.FilesUrl is not null || request.Against is not null)
        {
            if (request.FilesUrl is { } filesUrl && !filesUrl.EndsWith('/'))
            {
                throw new OtaPackException($"--files-url '{filesUrl}' must be a base URL ending in '/'");
            }

            filesDirectory = request.FilesUrl is null ? null : Path.GetFullPath(Path.Combine(request.OutputDirectory, baseName));
            listed = await WriteFilesAsync(modelDirectory, files, modelInfo, filesDirectory, cancellationToken).ConfigureAwait(false);
        }

        var manifestJson = WriteManifest(request, model, version, url, sha256, size, request.FilesUrl is null ? null : listed, baseName);
        DurableFileSystem.WriteAllBytesAtomically(manifestPath, manifestJson);
        var manifest = OtaManifest.Parse(manifestJson, requirePublishableUrl: false);
        return new OtaPackResult(bundlePath, manifestPath, manifest, files.Count)
        {
            FilesDirectory = filesDirectory,
            Delta = request.Against is { } against ? await DeltaAsync(against, listed!, cancellationToken).ConfigureAwait(false) : null,
        };
    }

    /// <summary>Size and SHA-256 of every file of the bundle, copied into <paramref name="filesDirectory"/> when given (the per-file layout devices fetch).</summary>
    private static async Task<List<(string Path, long Size, string Sha256)>> WriteFilesAsync(
        string root, List<string> entries, byte[]? modelInfo, string? filesDirectory, CancellationToken cancellationToken)
    {
        if (filesDirectory is not null && Directory.Exists(filesDirectory))
        {
            Directory.Delete(filesDirectory, recursive: true);
        }

        var listed = new List<(string, long, string)>();
        foreach (var entry in entries.Where(e => !e.EndsWith('/')))
        {
            // The bundle's edgellm_model.json may be the rewritten one (the manifest's id and version): list that one.
            var bytes = entry == ModelInfoFile && modelInfo is not null ? modelInfo : null;
            var source = Path.Combine(root, entry.Replace('/', Path.DirectorySeparatorChar));
            if (filesDirectory is not null)
            {
                var target = Path.Combine(filesDirectory, entry.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (bytes is not null)
                {
                    await File.WriteAllBytesAsync(target, bytes, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    File.Copy(source, target);
                }

                source = target;
            }
            else if (bytes is not null)
            {
                listed.Add((entry, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))));
                continue;
            }

            var (size, sha256) = await HashFileAsync(source, cancellationToken).ConfigureAwait(false);
            listed.Add((entry, size, sha256));
        }

        return listed;
    }

    private static async Task<OtaPackDelta> DeltaAsync(string against, List<(string Path, long Size, string Sha256)> files, CancellationToken cancellationToken)
    {
        var previous = Path.GetFullPath(against);
        if (!Directory.Exists(previous))
        {
            throw new OtaPackException($"--against {previous} is not a directory");
        }

        var held = new HashSet<(long, string)>();
        foreach (var path in Directory.EnumerateFiles(previous, "*", SearchOption.AllDirectories))
        {
            held.Add(await HashFileAsync(path, cancellationToken).ConfigureAwait(false));
        }

        var changed = files.Where(f => !held.Contains((f.Size, f.Sha256))).ToList();
        return new OtaPackDelta(previous, files.Sum(f => f.Size), changed.Sum(f => f.Size), [.. changed.Select(f => f.Path)], files.Count);
    }

    /// <summary>Size and lower-case hex SHA-256 of a file.</summary>
    public static async Task<(long Size, string Sha256)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }

    private static List<string> CollectFiles(string root)
    {
        var entries = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                throw new OtaPackException($"{path} is a symbolic link; devices refuse links in bundles, so copy the file in instead");
            }

            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (Directory.Exists(path))
            {
                entries.Add(relative + "/");
            }
            else if (File.Exists(path))
            {
                entries.Add(relative);
            }
            else
            {
                throw new OtaPackException($"{path} is neither a file nor a directory (device, pipe or socket); devices refuse those");
            }
        }

        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    private static async Task WriteBundleAsync(string root, List<string> entries, byte[]? modelInfo, string bundlePath, CancellationToken cancellationToken)
    {
        var temporary = bundlePath + ".tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await using (var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true))
                await using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
                {
                    foreach (var name in entries)
                    {
                        await WriteEntryAsync(tar, root, name, name == ModelInfoFile ? modelInfo : null, cancellationToken).ConfigureAwait(false);
                    }
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            DurableFileSystem.Rename(temporary, bundlePath);
        }
        catch
        {
            DurableFileSystem.TryDelete(temporary);
            throw;
        }
    }

    private static async Task WriteEntryAsync(TarWriter tar, string root, string name, byte[]? replacement, CancellationToken cancellationToken)
    {
        if (name.Length > 255)
        {
            throw new OtaPackException($"'{name}' is longer than 255 characters, more than a ustar bundle can name");
        }

        var isDirectory = name.EndsWith('/');
        var entry = new UstarTarEntry(isDirectory ? TarEntryType.Directory : TarEntryType.RegularFile, name)
        {
            ModificationTime = FixedTime,
            Uid = 0,
            Gid = 0,
            Mode = isDirectory
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                  | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        if (isDirectory)
        {
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        await using Stream data = replacement is not null
            ? new MemoryStream(replacement, writable: false)
            : new FileStream(Path.Combine(root, name), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        entry.DataStream = data;
        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] WriteManifest(
        OtaPackRequest request, string model, string version, string url, string sha256, long size, List<(string Path, long Size, string Sha256)>? files, string baseName)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, OtaJson.IndentedWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model);
            writer.WriteString("version", version);
            writer.WriteString("url", url);
            writer.WriteString("sha256", sha256);
            writer.WriteNumber("size", size);
            if (request.MinRuntime is not null)
            {
                writer.WriteString("min_runtime", request.MinRuntime);
            }

            if (request.RolloutPercent is { } percent)
            {
                writer.WriteStartObject("rollout");
                writer.WriteNumber("percent", percent);
                writer.WriteString("seed", request.RolloutSeed ?? $"{model}-{version}");
                writer.WriteEndObject();
            }

            if (request.AllowDowngrade)
            {
                writer.WriteBoolean("allow_downgrade", true);
            }

            if (files is not null)
            {
                writer.WriteStartArray("files");
                foreach (var (path, fileSize, fileSha256) in files)
                {
                    writer.WriteStartObject();
                    writer.WriteString("path", path);
                    writer.WriteNumber("size", fileSize);
                    writer.WriteString("sha256", fileSha256);
                    writer.WriteString("url", request.FilesUrl + Uri.EscapeDataString(baseName) + "/" + string.Join('/', path.Split('/').Select(Uri.EscapeDataString)));
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static (string? Id, string? Version) ReadModelInfo(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, ModelInfoFile);
        if (!File.Exists(path))
        {
            return (null, null);
        }

        var root = EnsureJsonObject(path);
        return (GetString(root, "id"), GetString(root, "version"));

        static string? GetString(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private static JsonElement EnsureJsonObject(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new OtaPackException($"{path} is not a JSON object");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new OtaPackException($"{path} is not valid JSON: {e.Message}", e);
        }
    }
}
