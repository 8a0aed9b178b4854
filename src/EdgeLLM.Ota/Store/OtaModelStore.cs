using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Store;

/// <summary>
/// The on-disk layout under the state directory and the operations on it:
/// <code>
/// models/&lt;model&gt;/versions/&lt;version&gt;/   complete, fsynced model directories
/// ota/current -> ../models/&lt;model&gt;/versions/&lt;version&gt;   the serving version (absent: the embedded default)
/// ota/ota-state.json                     the journal
/// ota/downloads/                         &lt;model&gt;-&lt;version&gt;.tar.gz.part (+ .json), then the verified .tar.gz
/// ota/staging/                           extraction directories (deleted at start-up)
/// ota/trash/                             directories being deleted (deleted at start-up)
/// </code>
/// The <c>current</c> link is the one switch point: it is replaced with rename(2), which is atomic, and it only
/// ever points at a directory that was complete and fsynced before the link was written.
/// </summary>
internal sealed class OtaModelStore
{
    /// <summary>The folder of the state directory that holds OTA's own files.</summary>
    public const string OtaDirectoryName = "ota";

    /// <summary>The journal's file name inside <see cref="OtaDirectoryName"/>.</summary>
    public const string StateFileName = "ota-state.json";

    public OtaModelStore(string stateDirectory)
    {
        StateDirectory = Path.GetFullPath(stateDirectory);
        ModelsDirectory = Path.Combine(StateDirectory, "models");
        OtaDirectory = Path.Combine(StateDirectory, OtaDirectoryName);
        CurrentLink = Path.Combine(OtaDirectory, "current");
        StatePath = Path.Combine(OtaDirectory, StateFileName);
        DownloadsDirectory = Path.Combine(OtaDirectory, "downloads");
        StagingDirectory = Path.Combine(OtaDirectory, "staging");
        TrashDirectory = Path.Combine(OtaDirectory, "trash");
    }

    public string StateDirectory { get; }

    public string ModelsDirectory { get; }

    public string OtaDirectory { get; }

    public string CurrentLink { get; }

    public string StatePath { get; }

    public string DownloadsDirectory { get; }

    public string StagingDirectory { get; }

    public string TrashDirectory { get; }

    /// <summary>Creates the directories (each made durable in its parent).</summary>
    public void EnsureLayout()
    {
        foreach (var directory in new[] { ModelsDirectory, OtaDirectory, DownloadsDirectory, StagingDirectory, TrashDirectory })
        {
            CreateDirectoryDurably(directory);
        }
    }

    /// <summary>The store-relative directory of a version (<c>models/&lt;model&gt;/versions/&lt;version&gt;</c>).</summary>
    public static string RelativeVersionDirectory(string model, string version) =>
        Path.Combine("models", model, "versions", version);

    public string FullPath(string relative) => Path.GetFullPath(Path.Combine(StateDirectory, relative));

    public string DownloadPath(OtaManifest manifest) => Path.Combine(DownloadsDirectory, DownloadName(manifest.Model, manifest.Version));

    /// <summary>Where the files of a manifest with <c>files</c> are downloaded one by one (<c>&lt;bundle name&gt;.files/</c>).</summary>
    public string FilesDownloadDirectory(OtaManifest manifest) => DownloadPath(manifest) + ".files";

    /// <summary>The file name of a version's bundle in <c>ota/downloads</c> (the partial file adds <c>.part</c>).</summary>
    public static string DownloadName(string model, string version) => $"{model}-{version}.tar.gz";

    /// <summary>Deletes a download (or its <c>.part</c>) and the resume record beside it, if they exist.</summary>
    public static void DeleteDownload(string path)
    {
        DurableFileSystem.TryDelete(path);
        DurableFileSystem.TryDelete(path + ".json");
    }

    /// <summary>The store-relative directory the <c>current</c> link points at, or null when there is no link.</summary>
    public string? ReadCurrentLink()
    {
        var target = new FileInfo(CurrentLink).LinkTarget;
        if (target is null)
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(OtaDirectory, target));
        return Path.GetRelativePath(StateDirectory, full);
    }

    /// <summary>Points <c>current</c> at <paramref name="relativeDirectory"/> atomically, or removes it (null: the embedded default serves).</summary>
    public void SwitchCurrentLink(string? relativeDirectory)
    {
        if (relativeDirectory is null)
        {
            DurableFileSystem.DeleteDurably(CurrentLink);
            return;
        }

        var target = Path.GetRelativePath(OtaDirectory, FullPath(relativeDirectory));
        DurableFileSystem.ReplaceSymbolicLink(CurrentLink, target);
    }

    /// <summary>True when <paramref name="directory"/> holds a model (its <c>genai_config.json</c>).</summary>
    public static bool IsModelDirectory(string? directory) =>
        directory is not null && File.Exists(Path.Combine(directory, OtaBundlePacker.GenAiConfigFile));

    /// <summary>A fresh, unique staging directory path (not created).</summary>
    public string NewStagingPath(OtaManifest manifest) =>
        Path.Combine(StagingDirectory, $"{manifest.Model}-{manifest.Version}-{Guid.NewGuid():N}");

    /// <summary>
    /// Moves a complete, fsynced model directory into <c>models/&lt;model&gt;/versions/&lt;version&gt;</c> with rename(2),
    /// replacing a stale copy of the same version, and makes the move durable.
    /// </summary>
    public string Install(string stagedModelDirectory, string model, string version)
    {
        var relative = RelativeVersionDirectory(model, version);
        var destination = FullPath(relative);
        var versions = Path.GetDirectoryName(destination)!;
        CreateDirectoryDurably(Path.GetDirectoryName(versions)!);
        CreateDirectoryDurably(versions);
        if (Path.Exists(destination))
        {
            MoveToTrash(destination);
        }

        var stagedParent = Path.GetDirectoryName(Path.GetFullPath(stagedModelDirectory))!;
        Directory.Move(stagedModelDirectory, destination);
        DurableFileSystem.FsyncDirectory(versions);
        DurableFileSystem.FsyncDirectory(stagedParent);
        return relative;
    }

    /// <summary>Deletes a directory tree: renamed into the trash first (atomic), so a crash never leaves half a version in place.</summary>
    public void MoveToTrash(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var trash = Path.Combine(TrashDirectory, Guid.NewGuid().ToString("N"));
        Directory.Move(directory, trash);
        DurableFileSystem.FsyncDirectory(Path.GetDirectoryName(directory)!);
        Directory.Delete(trash, recursive: true);
    }

    /// <summary>Every version directory in the store, relative to the state directory.</summary>
    public IEnumerable<string> EnumerateVersionDirectories()
    {
        if (!Directory.Exists(ModelsDirectory))
        {
            yield break;
        }

        foreach (var model in Directory.EnumerateDirectories(ModelsDirectory))
        {
            var versions = Path.Combine(model, "versions");
            if (!Directory.Exists(versions))
            {
                continue;
            }

            foreach (var version in Directory.EnumerateDirectories(versions))
            {
                yield return Path.GetRelativePath(StateDirectory, version);
            }
        }
    }

    /// <summary>
    /// Removes what an interrupted run can leave: staging and trash directories, temporary files and links, and
    /// downloads other than those of <paramref name="keepDownloadsOf"/> (the pending update, whose partial file is resumed).
    /// </summary>
    public IEnumerable<string> RemoveLeftovers(string? keepDownloadsOf)
    {
        var removed = new List<string>();
        foreach (var directory in new[] { StagingDirectory, TrashDirectory })
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                if (Directory.Exists(entry) && new FileInfo(entry).LinkTarget is null)
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }

                removed.Add(entry);
            }
        }

        if (Directory.Exists(OtaDirectory))
        {
            foreach (var temporary in Directory.EnumerateFileSystemEntries(OtaDirectory, ".*.tmp"))
            {
                File.Delete(temporary);
                removed.Add(temporary);
            }
        }

        if (Directory.Exists(DownloadsDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(DownloadsDirectory))
            {
                if (keepDownloadsOf is null || !Path.GetFileName(file).StartsWith(keepDownloadsOf, StringComparison.Ordinal))
                {
                    File.Delete(file);
                    removed.Add(file);
                }
            }

            // The per-file downloads of a manifest with "files" (<bundle name>.files/).
            foreach (var directory in Directory.EnumerateDirectories(DownloadsDirectory))
            {
                if (keepDownloadsOf is null || !Path.GetFileName(directory).StartsWith(keepDownloadsOf, StringComparison.Ordinal))
                {
                    Directory.Delete(directory, recursive: true);
                    removed.Add(directory);
                }
            }
        }

        return removed;
    }

    private static void CreateDirectoryDurably(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory)!;
        if (!Directory.Exists(parent))
        {
            CreateDirectoryDurably(parent);
        }

        Directory.CreateDirectory(directory);
        DurableFileSystem.FsyncDirectory(parent);
    }
}
