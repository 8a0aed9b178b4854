using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeLLM.Ota.Store;

/// <summary>
/// The few file-system operations crash safety rests on, done the POSIX way: data is flushed with fsync(2)
/// before a rename(2) makes it visible, and the directory holding a renamed or created entry is fsynced
/// after, so the new name survives a power loss. Directory fsync goes through a file descriptor from
/// open(2) held in a <see cref="SafeFileHandle"/>, because .NET cannot open a directory as a file.
/// </summary>
internal static partial class DurableFileSystem
{
    private const int ORdOnly = 0;

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> so that after a crash the file holds either the old or the new bytes.</summary>
    public static void WriteAllBytesAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            Rename(temporary, path);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        FsyncDirectory(directory);
    }

    /// <summary>Flushes a directory's entries to disk, so renames and new files in it survive a power loss.</summary>
    public static void FsyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS has no directory fsync; EdgeLLM devices run Linux.
        }

        var fd = Open(directory, ORdOnly);
        if (fd < 0)
        {
            throw IOError("open", directory);
        }

        using var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        if (Fsync((int)handle.DangerousGetHandle()) != 0)
        {
            throw IOError("fsync", directory);
        }
    }

    /// <summary>rename(2): atomically replaces <paramref name="destination"/> (a file or symlink) by <paramref name="source"/>.</summary>
    public static void Rename(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            File.Move(source, destination, overwrite: true);
            return;
        }

        if (RenameNative(source, destination) != 0)
        {
            throw IOError("rename", $"{source} -> {destination}");
        }
    }

    /// <summary>Creates or atomically replaces the symbolic link <paramref name="link"/> to point at <paramref name="target"/>, then fsyncs its directory.</summary>
    public static void ReplaceSymbolicLink(string link, string target)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(link))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(link)}.{Guid.NewGuid():N}.tmp");
        File.CreateSymbolicLink(temporary, target);
        try
        {
            Rename(temporary, link);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        FsyncDirectory(directory);
    }

    /// <summary>Removes a file or link and fsyncs its directory; nothing happens when it is absent.</summary>
    public static void DeleteDurably(string path)
    {
        if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            return;
        }

        File.Delete(path);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Flushes every directory below <paramref name="root"/> (and the root itself), deepest first, so the names of
    /// files written and fsynced in them survive a power loss.
    /// </summary>
    public static void FsyncDirectories(string root)
    {
        var directories = Directory.GetDirectories(root, "*", SearchOption.AllDirectories);
        Array.Sort(directories, static (a, b) => b.Length.CompareTo(a.Length));
        foreach (var directory in directories)
        {
            FsyncDirectory(directory);
        }

        FsyncDirectory(root);
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static IOException IOError(string operation, string subject)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{operation} {subject}: {new Win32Exception(errno).Message} (errno {errno})", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string oldPath, string newPath);
}
