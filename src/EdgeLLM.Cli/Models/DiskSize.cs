using System.Globalization;

namespace EdgeLLM.Cli.Models;

/// <summary>Bytes of a model directory on disk and their human-readable form.</summary>
internal static class DiskSize
{
    public static long Of(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:F1} {units[unit]}");
    }
}
