using System.Globalization;

namespace EdgeLLM.Soak;

/// <summary>What the soak watches of the service process and its files at one moment (Linux /proc).</summary>
internal sealed record ProcessSample(DateTimeOffset At, long RssBytes, int Handles, int Threads, long JournalBytes, long LogBytes)
{
    public static ProcessSample Take(int pid, string? journal, string? log)
    {
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.Split('\t', ' ').Last(s => s.Length > 0), CultureInfo.InvariantCulture);
            }
        }
        var handles = Directory.GetFiles($"/proc/{pid}/fd").Length;
        return new ProcessSample(DateTimeOffset.UtcNow, rss, handles, threads, Size(journal), Size(log));
    }

    private static long Size(string? path) => path is not null && File.Exists(path) ? new FileInfo(path).Length : 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"RSS {RssBytes / 1048576.0:F1} MiB, handles {Handles}, threads {Threads}, dedup journal {JournalBytes / 1024.0:F1} KiB, log {LogBytes / 1024.0:F1} KiB");
}
