using System.Diagnostics;

namespace EdgeLLM.Ota.Tests.Support;

/// <summary>
/// A small tmpfs mounted over a directory: a real file system that runs out of space (ENOSPC). Needs root
/// (CAP_SYS_ADMIN); without it the test fails with mount's own message.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public static TmpfsMount Create(string directory, string size)
    {
        System.IO.Directory.CreateDirectory(directory);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", directory);
        return new TmpfsMount(directory);
    }

    public void Dispose() => Run("umount", Directory);

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()}. The disk-full tests need root to mount a tmpfs.");
        }
    }
}
